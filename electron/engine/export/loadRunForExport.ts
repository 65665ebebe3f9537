import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { LoraConfig } from "../lora/LoraConfig";
import { ExportError } from "./ExportError";

/**
 * What an export needs from a run folder (run.json as electron/app/training writes it). Read structurally here so
 * the engine does not depend on the app's record type; fields are checked where they are used.
 */
export interface RunForExport {
  dir: string;
  /** The adapter to export: DIR/adapter.gguf (best validation loss). */
  adapterPath: string;
  baseModel: { path: string; sha256: string; architecture: string; parameters?: number };
  lora: LoraConfig;
  /** The whole run.json, for the model card. */
  record: RunJson;
  /** data/dataset.json when present. */
  dataset: DatasetJson | null;
}

export interface RunJson {
  status: string;
  createdAt?: string;
  baseModel: { path: string; sha256: string; architecture: string; parameters?: number };
  data?: { files?: { path: string; sha256?: string }[]; sha256?: string; trainExamples?: number; validationExamples?: number; excludedExamples?: number; truncatedExamples?: number; datasetRecord?: string };
  job: { config: { lora: LoraConfig; seqLen?: number; lr?: number; epochs?: number; maxSteps?: number; batchSize?: number; gradAccum?: number; [k: string]: unknown }; trainPath?: string; validationPath?: string | null };
  result?: { adapterPath?: string; step?: number; finalLoss?: number | null; bestValLoss?: number | null; bestStep?: number | null; trainableParameters?: number; trainingSeconds?: number; reason?: string };
}

export interface DatasetJson {
  model?: { chatTemplate?: string; endOfTurnToken?: number };
  counts?: Record<string, number>;
  split?: Record<string, unknown>;
  redaction?: { counts?: Record<string, number> };
  files?: { file?: string; sha256?: string; examples?: number }[];
}

export async function loadRunForExport(dir: string, options: { adapter?: "best" | "last" } = {}): Promise<RunForExport> {
  const root = resolve(dir);
  const runJson = join(root, "run.json");
  const text = await readFile(runJson, "utf8").catch(() => null);
  if (text === null) throw new ExportError(`${runJson} does not exist: --run takes the --out folder of a training run`);
  let record: RunJson;
  try {
    record = JSON.parse(text) as RunJson;
  } catch (error) {
    throw new ExportError(`${runJson} is damaged (${(error as Error).message}); the run cannot be exported from it`);
  }
  record = { ...record, job: { ...record.job, ...inFolder(record.job as RunJson["job"] & { outDir?: string }, root) } };
  const adapterPath = join(root, options.adapter === "last" ? "adapter-last.gguf" : "adapter.gguf");
  if (!existsSync(adapterPath)) {
    throw new ExportError(`${adapterPath} does not exist (run status "${record.status}"): finish or resume the run first (lora-studio train --resume ${root})`);
  }
  if (!existsSync(record.baseModel.path)) {
    throw new ExportError(`the run's base model ${record.baseModel.path} is missing; put the file (sha256 ${record.baseModel.sha256}) back at that path`);
  }
  const datasetPath = join(root, record.data?.datasetRecord ?? "data/dataset.json");
  const datasetText = await readFile(datasetPath, "utf8").catch(() => null);
  return {
    dir: root,
    adapterPath,
    baseModel: record.baseModel,
    lora: record.job.config.lora,
    record,
    dataset: datasetText ? (JSON.parse(datasetText) as DatasetJson) : null,
  };
}

/**
 * The prepared data paths of a copied or moved run folder, in that folder: relative paths resolve against it, and
 * absolute ones inside the folder the run was trained in move with it (a recipe must ship this folder's data).
 */
function inFolder(job: RunJson["job"] & { outDir?: string }, root: string): Pick<RunJson["job"], "trainPath" | "validationPath"> {
  const from = job.outDir && isAbsolute(job.outDir) ? resolve(job.outDir) : root;
  const move = (p: string) => {
    if (!isAbsolute(p)) return resolve(root, p);
    const rel = relative(from, p);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? join(root, rel) : p;
  };
  return {
    ...(job.trainPath ? { trainPath: move(job.trainPath) } : {}),
    ...(job.validationPath ? { validationPath: move(job.validationPath) } : {}),
  };
}
