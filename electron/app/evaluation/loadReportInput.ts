import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DatasetRecord } from "../data/prepareDataset";
import type { RunRecord } from "../training/RunRecord";
import type { RunProjectFile } from "../store/importRunFolders";
import type { EvalReport } from "./EvalReport";
import { EvaluationError } from "./EvaluationError";
import { readExportParity } from "./exportParityRecord";
import type { LossPoint, ReportInput } from "./ReportInput";

/**
 * Reads a run folder for its report: run.json, the data card (the user's file names from project.json where the
 * app wrote them), metrics.jsonl's losses, eval.json when present, the export checks of export-parity.json.
 */
export async function loadReportInput(runDir: string, extras: Partial<Pick<ReportInput, "blind" | "ratedPairs" | "signOff" | "evaluation" | "sourceFiles" | "timeZone">> = {}): Promise<ReportInput> {
  const dir = resolve(runDir);
  const text = await readFile(join(dir, "run.json"), "utf8").catch(() => null);
  if (text === null) throw new EvaluationError(`${join(dir, "run.json")} does not exist: --run takes the --out folder of a training run`);
  const record = JSON.parse(text) as RunRecord;
  const datasetText = await readFile(join(dir, record.data.datasetRecord ?? "data/dataset.json"), "utf8").catch(() => null);
  const evalText = await readFile(join(dir, "eval.json"), "utf8").catch(() => null);
  const projectText = await readFile(join(dir, "project.json"), "utf8").catch(() => null);
  let project: RunProjectFile | null = null;
  try {
    project = projectText ? (JSON.parse(projectText) as RunProjectFile) : null;
  } catch {
    project = null; // a damaged project.json costs the report only the file names
  }
  return {
    runDir: dir,
    record,
    dataset: datasetText ? (JSON.parse(datasetText) as DatasetRecord) : null,
    losses: await readLosses(join(dir, "metrics.jsonl")),
    evaluation: extras.evaluation ?? (evalText ? (JSON.parse(evalText) as EvalReport) : null),
    blind: extras.blind ?? null,
    ratedPairs: extras.ratedPairs ?? [],
    signOff: extras.signOff ?? null,
    generatedAt: new Date().toISOString(),
    sourceFiles: extras.sourceFiles ?? project?.dataset?.files ?? null,
    exportParity: await readExportParity(dir),
    timeZone: extras.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

/** Training and validation losses by step from metrics.jsonl (lines cut by a crash are skipped). */
export async function readLosses(path: string): Promise<LossPoint[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  const byStep = new Map<number, LossPoint>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let e: { type?: string; step?: number; loss?: number; valLoss?: number };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof e.step !== "number" || (e.type !== "step" && e.type !== "eval")) continue;
    const p = byStep.get(e.step) ?? { step: e.step, loss: null, valLoss: null };
    if (e.type === "step" && typeof e.loss === "number") p.loss = e.loss;
    if (e.type === "eval" && typeof e.valLoss === "number") p.valLoss = e.valLoss;
    byStep.set(e.step, p);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
