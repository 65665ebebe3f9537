import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import { sha256File } from "../../engine/util/sha256File";
import type { RunRecord } from "../training/RunRecord";
import { startTrainingRun, type RunHandle } from "../training/trainRun";
import { addAdapter, listAdapters, type AdapterFile } from "./adapters";
import type { Db } from "./openStore";
import { addMetrics, findRunByOutDir, getRun, recordRun, setAttempts, updateRun, type MetricRow, type Run } from "./runs";
import { StoreError } from "./StoreError";
import { readMetricsEvents } from "./readMetricsEvents";
import { hasCheckpoint } from "../../engine/training/checkpointStore";
import { runFolderLocked } from "../training/lockRunFolder";

/** What the store links a run to (the training record itself knows only files). */
export interface RunLinks {
  projectId?: string | null;
  baseModelId?: string | null;
  datasetId?: string | null;
}

/** The mean norm of the adapter's B matrices in a step event (null before any was reported). */
export function meanAdapterNorm(norms: readonly { b: number }[] | undefined): number | null {
  return norms?.length ? norms.reduce((s, n) => s + n.b, 0) / norms.length : null;
}

/** Metric rows from the events of metrics.jsonl (or live events): steps, and validation losses merged into their step. */
export function metricRows(events: readonly (TrainingEvent & { time?: string })[]): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const e of events) {
    if (e.type === "step") rows.push({ step: e.step, epoch: e.epoch, loss: e.loss, lr: e.lr, gradNorm: e.gradNorm, tokensPerSecond: e.tokensPerSecond, peakRssMb: e.peakRssMb, adapterNorm: meanAdapterNorm(e.norms), time: e.time ?? null });
    else if (e.type === "eval") rows.push({ step: e.step, valLoss: e.valLoss });
  }
  return rows;
}

/**
 * Brings the store up to date with a run folder's run.json and metrics.jsonl (the files the worker writes
 * atomically and append-only): the run row, its attempts, every metric, and the adapters once it finished. The
 * files are read first, then everything is written in one transaction. Creates the run row when missing.
 */
export async function syncRunRecord(db: Db, outDir: string, links: RunLinks = {}): Promise<Run> {
  const dir = resolve(outDir);
  const text = await readFile(join(dir, "run.json"), "utf8").catch(() => null);
  if (text === null) throw new StoreError(`${join(dir, "run.json")} does not exist: give the --out folder of a training run`);
  let record: RunRecord;
  try {
    record = JSON.parse(text) as RunRecord;
  } catch (error) {
    throw new StoreError(`${join(dir, "run.json")} is damaged (${(error as Error).message}); this run folder cannot be read back`);
  }
  // "running" with no live process holding the folder's lock: its processes died (or the disk filled) unseen.
  if (record.status === "running" && !runFolderLocked(dir)) {
    const resumable = hasCheckpoint(join(dir, "checkpoints"));
    record = { ...record, status: "interrupted", error: record.error ?? { code: "WorkerDied", message: `the training ended without reporting; ${resumable ? `continue with \`lora-studio train --resume ${dir}\`` : "no checkpoint was saved yet, so resuming starts it again from the beginning"}`, resumable } };
  }
  const events = await readMetricsEvents(join(dir, "metrics.jsonl"));
  const started = events.filter((e) => e.type === "started").at(-1);
  const lastStep = events.reduce((n, e) => (e.type === "step" ? Math.max(n, e.step) : n), 0);
  const adapterFiles = record.status === "finished" && record.result ? await adapterFilesOf(record, dir) : [];

  return db.transaction(() => {
    const existing = findRunByOutDir(db, dir);
    const run =
      existing ??
      recordRun(db, { ...links, outDir: dir, config: record.job.config, status: record.status, modelSha256: record.baseModel.sha256, dataSha256: record.data.sha256, ...(record.job.backend ? { backend: record.job.backend } : {}) });
    updateRun(db, run.id, {
      status: record.status,
      step: record.result?.step ?? lastStep,
      ...(started?.type === "started" ? { totalSteps: started.totalSteps, backend: started.backend } : {}),
      error: record.error ?? null,
      result: record.result ?? null,
      startedAt: record.attempts[0]?.startedAt ?? record.createdAt,
      endedAt: record.status === "running" ? null : (record.attempts.at(-1)?.endedAt ?? record.updatedAt),
      ...(record.status === "running" ? {} : { workerPid: null }),
    });
    setAttempts(db, run.id, record.attempts.map((a) => ({ startedAt: a.startedAt, endedAt: a.endedAt ?? null, fromStep: a.fromStep, status: a.status ?? null, cause: a.cause ?? null, change: null })));
    addMetrics(db, run.id, metricRows(events));
    if (adapterFiles.length && listAdapters(db, { runId: run.id }).length === 0) {
      addAdapter(db, { projectId: run.projectId ?? links.projectId ?? null, runId: run.id, name: `adapter of run ${run.id.slice(0, 8)}`, files: adapterFiles });
    }
    return getRun(db, run.id);
  })();
}

/** The finished run's adapter files, found in the run folder where it was copied or moved (or as recorded). */
async function adapterFilesOf(record: RunRecord, dir: string): Promise<AdapterFile[]> {
  const r = record.result!;
  const files: AdapterFile[] = [];
  const here = (p: string, name: string) => (existsSync(join(dir, name)) ? join(dir, name) : p);
  for (const [format, path] of [["gguf-lora", here(r.adapterPath, "adapter.gguf")], ["gguf-lora-last", here(r.lastAdapterPath, "adapter-last.gguf")]] as const) {
    if (!existsSync(path)) continue;
    files.push({ format, path, sha256: await sha256File(path), bytes: (await stat(path)).size });
  }
  return files;
}

/**
 * Starts (or resumes) a prepared run and keeps the store in step with it: the run is recorded as running with its
 * worker's pid before any step, metrics go in as steps happen, and run.json is synced when the worker ends however
 * it ended. If this process dies too, markInterruptedRuns finds the run by its dead pid at the next start.
 */
export function trackTrainingRun(db: Db, record: RunRecord, onEvent: (e: TrainingEvent) => void = () => {}, links: RunLinks = {}): RunHandle & { runId: string; finishedRun: Promise<Run> } {
  const dir = resolve(record.job.outDir);
  const existing = findRunByOutDir(db, dir);
  const run = existing ?? recordRun(db, { ...links, outDir: dir, config: record.job.config, status: "running", modelSha256: record.baseModel.sha256, dataSha256: record.data.sha256 });
  const handle = startTrainingRun(record, (e) => {
    if (e.type === "started") updateRun(db, run.id, { totalSteps: e.totalSteps, backend: e.backend });
    const rows = metricRows([e]);
    if (rows.length) {
      addMetrics(db, run.id, rows);
      if (e.type === "step") updateRun(db, run.id, { step: e.step });
    }
    onEvent(e);
  });
  updateRun(db, run.id, { status: "running", workerPid: handle.process.pid, startedAt: existing?.startedAt ?? new Date().toISOString(), error: null });
  const finishedRun = handle.finished.then(() => syncRunRecord(db, dir, links));
  return { ...handle, runId: run.id, finishedRun };
}
