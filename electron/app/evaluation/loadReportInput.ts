import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DatasetRecord } from "../data/prepareDataset";
import type { RunRecord } from "../training/RunRecord";
import type { EvalReport } from "./EvalReport";
import { EvaluationError } from "./EvaluationError";
import type { LossPoint, ReportInput } from "./ReportInput";

/** Reads a run folder for its report: run.json, the data card, metrics.jsonl's losses, eval.json when present. */
export async function loadReportInput(runDir: string, extras: Partial<Pick<ReportInput, "blind" | "ratedPairs" | "signOff" | "evaluation">> = {}): Promise<ReportInput> {
  const dir = resolve(runDir);
  const text = await readFile(join(dir, "run.json"), "utf8").catch(() => null);
  if (text === null) throw new EvaluationError(`${join(dir, "run.json")} does not exist: --run takes the --out folder of a training run`);
  const record = JSON.parse(text) as RunRecord;
  const datasetText = await readFile(join(dir, record.data.datasetRecord ?? "data/dataset.json"), "utf8").catch(() => null);
  const evalText = await readFile(join(dir, "eval.json"), "utf8").catch(() => null);
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
