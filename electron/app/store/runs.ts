import type { Db } from "./openStore";
import { fromJson, newId, nowIso, toJson } from "./rows";
import { NotFoundError, StoreError } from "./StoreError";

export const RUN_STATUSES = ["queued", "running", "paused", "finished", "failed", "interrupted", "cancelled"] as const;
export type StoredRunStatus = (typeof RUN_STATUSES)[number];

export interface NewRun {
  projectId?: string | null;
  baseModelId?: string | null;
  datasetId?: string | null;
  /** The run folder (run.json, checkpoints/, adapters); one run per folder. */
  outDir: string;
  config: unknown;
  status?: StoredRunStatus;
  backend?: string | null;
  workerPid?: number | null;
  totalSteps?: number | null;
  modelSha256?: string | null;
  dataSha256?: string | null;
}

export interface Run {
  id: string;
  projectId: string | null;
  baseModelId: string | null;
  datasetId: string | null;
  outDir: string;
  config: unknown;
  status: StoredRunStatus;
  backend: string | null;
  workerPid: number | null;
  step: number;
  totalSteps: number | null;
  modelSha256: string | null;
  dataSha256: string | null;
  error: { code: string; message: string; resumable: boolean } | null;
  result: unknown;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

interface Row {
  id: string;
  project_id: string | null;
  base_model_id: string | null;
  dataset_id: string | null;
  out_dir: string;
  config_json: string;
  status: StoredRunStatus;
  backend: string | null;
  worker_pid: number | null;
  step: number;
  total_steps: number | null;
  model_sha256: string | null;
  data_sha256: string | null;
  error_json: string | null;
  result_json: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  ended_at: string | null;
}

const toRun = (r: Row): Run => ({
  id: r.id,
  projectId: r.project_id,
  baseModelId: r.base_model_id,
  datasetId: r.dataset_id,
  outDir: r.out_dir,
  config: JSON.parse(r.config_json),
  status: r.status,
  backend: r.backend,
  workerPid: r.worker_pid,
  step: r.step,
  totalSteps: r.total_steps,
  modelSha256: r.model_sha256,
  dataSha256: r.data_sha256,
  error: fromJson(r.error_json),
  result: fromJson(r.result_json),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

/** Records a training run (the orchestration calls this before it starts the worker). */
export function recordRun(db: Db, input: NewRun): Run {
  const id = newId();
  const now = nowIso();
  const status = input.status ?? "queued";
  try {
    db.prepare(
      `INSERT INTO runs (id, project_id, base_model_id, dataset_id, out_dir, config_json, status, backend, worker_pid, total_steps, model_sha256, data_sha256, created_at, updated_at, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, input.projectId ?? null, input.baseModelId ?? null, input.datasetId ?? null, input.outDir, JSON.stringify(input.config), status, input.backend ?? null, input.workerPid ?? null, input.totalSteps ?? null, input.modelSha256 ?? null, input.dataSha256 ?? null, now, now, status === "running" ? now : null);
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new StoreError(`a run is already recorded for folder ${input.outDir}; resume it, or train into another --out folder`);
    throw error;
  }
  return getRun(db, id);
}

export type RunPatch = Partial<Pick<Run, "status" | "backend" | "workerPid" | "step" | "totalSteps" | "error" | "result" | "endedAt" | "startedAt" | "config">>;

const COLUMNS: Record<keyof RunPatch, [string, (v: never) => unknown]> = {
  status: ["status", (v) => v],
  backend: ["backend", (v) => v],
  workerPid: ["worker_pid", (v) => v],
  step: ["step", (v) => v],
  totalSteps: ["total_steps", (v) => v],
  error: ["error_json", (v) => toJson(v)],
  result: ["result_json", (v) => toJson(v)],
  endedAt: ["ended_at", (v) => v],
  startedAt: ["started_at", (v) => v],
  config: ["config_json", (v) => JSON.stringify(v)],
};

export function updateRun(db: Db, id: string, patch: RunPatch): Run {
  const keys = (Object.keys(patch) as (keyof RunPatch)[]).filter((k) => patch[k] !== undefined);
  const sets = keys.map((k) => `${COLUMNS[k][0]} = ?`);
  const values = keys.map((k) => COLUMNS[k][1](patch[k] as never));
  const r = db.prepare(`UPDATE runs SET ${[...sets, "updated_at = ?"].join(", ")} WHERE id = ?`).run(...values, nowIso(), id);
  if (r.changes === 0) throw new NotFoundError(`no run with id ${id}`);
  return getRun(db, id);
}

export function getRun(db: Db, id: string): Run {
  const row = db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as Row | undefined;
  if (!row) throw new NotFoundError(`no run with id ${id}`);
  return toRun(row);
}

export function findRunByOutDir(db: Db, outDir: string): Run | null {
  const row = db.prepare("SELECT * FROM runs WHERE out_dir = ?").get(outDir) as Row | undefined;
  return row ? toRun(row) : null;
}

export function listRuns(db: Db, filter: { projectId?: string; status?: StoredRunStatus } = {}): Run[] {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.projectId) (where.push("project_id = ?"), params.push(filter.projectId));
  if (filter.status) (where.push("status = ?"), params.push(filter.status));
  const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, rowid`;
  return (db.prepare(sql).all(...params) as Row[]).map(toRun);
}

export interface RunAttempt {
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  fromStep: number | null;
  status: StoredRunStatus | null;
  cause: string | null;
  /** What the out-of-memory step-down changed before this attempt, and why. */
  change: unknown;
}

export function listAttempts(db: Db, runId: string): RunAttempt[] {
  const rows = db.prepare("SELECT * FROM run_attempts WHERE run_id = ? ORDER BY attempt").all(runId) as {
    attempt: number; started_at: string; ended_at: string | null; from_step: number | null; status: StoredRunStatus | null; cause: string | null; change_json: string | null;
  }[];
  return rows.map((r) => ({ attempt: r.attempt, startedAt: r.started_at, endedAt: r.ended_at, fromStep: r.from_step, status: r.status, cause: r.cause, change: fromJson(r.change_json) }));
}

/** Replaces a run's attempts (the run record's list is the source of truth), in one transaction. */
export function setAttempts(db: Db, runId: string, attempts: Omit<RunAttempt, "attempt">[]): void {
  db.transaction(() => {
    db.prepare("DELETE FROM run_attempts WHERE run_id = ?").run(runId);
    const insert = db.prepare("INSERT INTO run_attempts (run_id, attempt, started_at, ended_at, from_step, status, cause, change_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    attempts.forEach((a, i) => insert.run(runId, i + 1, a.startedAt, a.endedAt, a.fromStep, a.status, a.cause, toJson(a.change)));
  })();
}

/** One row of the per-step metrics; an eval adds valLoss to its step's row. */
export interface MetricRow {
  step: number;
  epoch?: number | null;
  loss?: number | null;
  valLoss?: number | null;
  lr?: number | null;
  gradNorm?: number | null;
  tokensPerSecond?: number | null;
  peakRssMb?: number | null;
  /** Mean norm of the adapter's B matrices after this step (LoRA's own health signal: it grows from zero). */
  adapterNorm?: number | null;
  time?: string | null;
}

/** Adds or merges metric rows in one transaction (a step redone after a crash replaces the lost one). */
export function addMetrics(db: Db, runId: string, rows: readonly MetricRow[]): void {
  const upsert = db.prepare(
    `INSERT INTO run_metrics (run_id, step, epoch, loss, val_loss, lr, grad_norm, tokens_per_second, peak_rss_mb, adapter_norm, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step) DO UPDATE SET epoch = coalesce(excluded.epoch, epoch), loss = coalesce(excluded.loss, loss), val_loss = coalesce(excluded.val_loss, val_loss),
       lr = coalesce(excluded.lr, lr), grad_norm = coalesce(excluded.grad_norm, grad_norm), tokens_per_second = coalesce(excluded.tokens_per_second, tokens_per_second),
       peak_rss_mb = coalesce(excluded.peak_rss_mb, peak_rss_mb), adapter_norm = coalesce(excluded.adapter_norm, adapter_norm), time = coalesce(excluded.time, time)`,
  );
  db.transaction(() => {
    for (const m of rows) upsert.run(runId, m.step, m.epoch ?? null, m.loss ?? null, m.valLoss ?? null, m.lr ?? null, m.gradNorm ?? null, m.tokensPerSecond ?? null, m.peakRssMb ?? null, m.adapterNorm ?? null, m.time ?? null);
  })();
}

export function listMetrics(db: Db, runId: string): Required<MetricRow>[] {
  const rows = db.prepare("SELECT * FROM run_metrics WHERE run_id = ? ORDER BY step").all(runId) as Record<string, number | string | null>[];
  return rows.map((r) => ({
    step: r.step as number,
    epoch: r.epoch as number | null,
    loss: r.loss as number | null,
    valLoss: r.val_loss as number | null,
    lr: r.lr as number | null,
    gradNorm: r.grad_norm as number | null,
    tokensPerSecond: r.tokens_per_second as number | null,
    peakRssMb: r.peak_rss_mb as number | null,
    adapterNorm: r.adapter_norm as number | null,
    time: r.time as string | null,
  }));
}
