import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

export type EvaluationStatus = "running" | "finished" | "failed";

export interface EvaluationRow {
  id: string;
  projectId: string;
  runId: string | null;
  status: EvaluationStatus;
  error: string | null;
  /** The evaluation's eval.json content once finished ({} while running). */
  metrics: Record<string, unknown>;
  createdAt: string;
}

interface Row {
  id: string;
  project_id: string;
  run_id: string | null;
  status: EvaluationStatus;
  error: string | null;
  metrics_json: string;
  created_at: string;
}

const toEvaluation = (r: Row): EvaluationRow => ({ id: r.id, projectId: r.project_id, runId: r.run_id, status: r.status, error: r.error, metrics: JSON.parse(r.metrics_json), createdAt: r.created_at });

/** A run's evaluation in the `evaluations` table (kind "run-evaluation"), started as running. */
export function startEvaluationRow(db: Db, projectId: string, runId: string): EvaluationRow {
  const id = newId();
  db.prepare("INSERT INTO evaluations (id, project_id, run_id, adapter_id, kind, metrics_json, created_at, status) VALUES (?, ?, ?, NULL, 'run-evaluation', '{}', ?, 'running')").run(id, projectId, runId, nowIso());
  return getEvaluationRow(db, id);
}

export function finishEvaluationRow(db: Db, id: string, outcome: { metrics: Record<string, unknown> } | { error: string }): EvaluationRow {
  const r = "error" in outcome
    ? db.prepare("UPDATE evaluations SET status = 'failed', error = ? WHERE id = ?").run(outcome.error, id)
    : db.prepare("UPDATE evaluations SET status = 'finished', error = NULL, metrics_json = ? WHERE id = ?").run(JSON.stringify(outcome.metrics), id);
  if (r.changes === 0) throw new NotFoundError(`no evaluation with id ${id}`);
  return getEvaluationRow(db, id);
}

export function getEvaluationRow(db: Db, id: string): EvaluationRow {
  const row = db.prepare("SELECT * FROM evaluations WHERE id = ?").get(id) as Row | undefined;
  if (!row) throw new NotFoundError(`no evaluation with id ${id}`);
  return toEvaluation(row);
}

/** The newest run evaluation of a run, or null. */
export function latestEvaluationOfRun(db: Db, runId: string): EvaluationRow | null {
  const row = db.prepare("SELECT * FROM evaluations WHERE run_id = ? AND kind = 'run-evaluation' ORDER BY created_at DESC, rowid DESC LIMIT 1").get(runId) as Row | undefined;
  return row ? toEvaluation(row) : null;
}

/**
 * Evaluations still "running" when the app starts were cut off by the last session's end: marked failed with a
 * message saying to run them again, so the UI does not wait for them forever. Returns how many.
 */
export function markInterruptedEvaluations(db: Db): number {
  return db
    .prepare("UPDATE evaluations SET status = 'failed', error = ? WHERE status = 'running'")
    .run("the app closed while this evaluation was running; run it again").changes;
}
