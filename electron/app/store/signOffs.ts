import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

export interface SignOff {
  id: string;
  evaluationId: string;
  name: string;
  comment: string;
  signedAt: string;
}

/** Records an expert's sign-off of an evaluation; a later sign-off supersedes (the history is kept). */
export function addSignOff(db: Db, evaluationId: string, name: string, comment: string): SignOff {
  if (!db.prepare("SELECT 1 FROM evaluations WHERE id = ?").get(evaluationId)) throw new NotFoundError(`no evaluation with id ${evaluationId} to sign off`);
  const s: SignOff = { id: newId(), evaluationId, name: name.trim(), comment, signedAt: nowIso() };
  db.prepare("INSERT INTO sign_offs (id, evaluation_id, name, comment, signed_at) VALUES (?, ?, ?, ?, ?)").run(s.id, s.evaluationId, s.name, s.comment, s.signedAt);
  return s;
}

/** The newest sign-off of an evaluation, or null. */
export function latestSignOff(db: Db, evaluationId: string): SignOff | null {
  const r = db.prepare("SELECT * FROM sign_offs WHERE evaluation_id = ? ORDER BY signed_at DESC, rowid DESC LIMIT 1").get(evaluationId) as Record<string, string> | undefined;
  return r ? { id: r.id!, evaluationId: r.evaluation_id!, name: r.name!, comment: r.comment!, signedAt: r.signed_at! } : null;
}
