import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";

export interface Evaluation {
  id: string;
  projectId: string;
  runId: string | null;
  adapterId: string | null;
  /** "validation-loss", "golden-questions", "memorization-probe"... */
  kind: string;
  metrics: Record<string, unknown>;
  createdAt: string;
}

export function addEvaluation(db: Db, input: Omit<Evaluation, "id" | "createdAt">): Evaluation {
  const e: Evaluation = { ...input, id: newId(), createdAt: nowIso() };
  db.prepare("INSERT INTO evaluations (id, project_id, run_id, adapter_id, kind, metrics_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").run(e.id, e.projectId, e.runId, e.adapterId, e.kind, JSON.stringify(e.metrics), e.createdAt);
  return e;
}

export function listEvaluations(db: Db, filter: { projectId: string; runId?: string }): Evaluation[] {
  const rows = (filter.runId
    ? db.prepare("SELECT * FROM evaluations WHERE project_id = ? AND run_id = ? ORDER BY created_at, rowid").all(filter.projectId, filter.runId)
    : db.prepare("SELECT * FROM evaluations WHERE project_id = ? ORDER BY created_at, rowid").all(filter.projectId)) as Record<string, string | null>[];
  return rows.map((r) => ({ id: r.id!, projectId: r.project_id!, runId: r.run_id ?? null, adapterId: r.adapter_id ?? null, kind: r.kind!, metrics: JSON.parse(r.metrics_json!), createdAt: r.created_at! }));
}
