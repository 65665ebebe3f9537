import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DatasetRecord } from "../data/prepareDataset";
import type { TrainingItem } from "../data/types";
import type { RunRecord } from "../training/RunRecord";
import { rebasedPaths } from "../training/trainRun";
import { EvaluationError } from "./EvaluationError";

/** What an evaluation reads from a run folder. */
export interface RunForEvaluation {
  dir: string;
  record: RunRecord;
  dataset: DatasetRecord | null;
  adapterPath: string;
  train: TrainingItem[];
  validation: TrainingItem[];
}

/** Reads run.json, data/dataset.json and the prepared items of a finished run; errors say what to do. */
export async function readRunForEvaluation(runDir: string): Promise<RunForEvaluation> {
  const dir = resolve(runDir);
  const runJson = join(dir, "run.json");
  const text = await readFile(runJson, "utf8").catch(() => null);
  if (text === null) throw new EvaluationError(`${runJson} does not exist: --run takes the --out folder of a training run`);
  let parsed: RunRecord;
  try {
    parsed = JSON.parse(text) as RunRecord;
  } catch (error) {
    throw new EvaluationError(`${runJson} is damaged (${(error as Error).message}); the run cannot be evaluated from it`);
  }
  // A copied or moved run folder is read in place: its own adapter and prepared data, not the first folder's.
  const record: RunRecord = { ...parsed, job: { ...parsed.job, ...rebasedPaths(parsed.job, dir) } };
  const adapterPath = existsSync(join(dir, "adapter.gguf")) || !record.result?.adapterPath ? join(dir, "adapter.gguf") : record.result.adapterPath;
  if (!existsSync(adapterPath)) {
    throw new EvaluationError(`${adapterPath} does not exist (run status "${record.status}"): finish or resume the run first (lora-studio train --resume ${dir})`);
  }
  if (!existsSync(record.baseModel.path)) {
    throw new EvaluationError(`the run's base model ${record.baseModel.path} is missing; put the file (sha256 ${record.baseModel.sha256}) back at that path`);
  }
  const datasetText = await readFile(join(dir, record.data.datasetRecord ?? "data/dataset.json"), "utf8").catch(() => null);
  return {
    dir,
    record,
    dataset: datasetText ? (JSON.parse(datasetText) as DatasetRecord) : null,
    adapterPath,
    train: await readItems(record.job.trainPath),
    validation: record.job.validationPath ? await readItems(record.job.validationPath) : [],
  };
}

async function readItems(path: string): Promise<TrainingItem[]> {
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) throw new EvaluationError(`the run's prepared data ${path} is missing; the run folder is incomplete, train again`);
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as TrainingItem;
      } catch {
        throw new EvaluationError(`${path}:${i + 1}: not valid JSON; the run folder is damaged, train again`);
      }
    });
}
