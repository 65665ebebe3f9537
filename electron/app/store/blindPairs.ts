import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

export type BlindChoice = "left" | "right" | "tie";

export interface StoredBlindPair {
  id: string;
  evaluationId: string;
  seq: number;
  question: string;
  reference: string | null;
  baseAnswer: string;
  tunedAnswer: string;
  tunedSide: "left" | "right";
  choice: BlindChoice | null;
  comment: string | null;
  ratedAt: string | null;
}

interface Row {
  id: string;
  evaluation_id: string;
  seq: number;
  question: string;
  reference: string | null;
  base_answer: string;
  tuned_answer: string;
  tuned_side: "left" | "right";
  choice: BlindChoice | null;
  comment: string | null;
  rated_at: string | null;
}

const toPair = (r: Row): StoredBlindPair => ({
  id: r.id,
  evaluationId: r.evaluation_id,
  seq: r.seq,
  question: r.question,
  reference: r.reference,
  baseAnswer: r.base_answer,
  tunedAnswer: r.tuned_answer,
  tunedSide: r.tuned_side,
  choice: r.choice,
  comment: r.comment,
  ratedAt: r.rated_at,
});

/** Stores an evaluation's pairs (replacing any earlier ones), in order, in one transaction. */
export function setBlindPairs(db: Db, evaluationId: string, pairs: readonly Omit<StoredBlindPair, "id" | "evaluationId" | "seq" | "choice" | "comment" | "ratedAt">[]): StoredBlindPair[] {
  const insert = db.prepare("INSERT INTO blind_pairs (id, evaluation_id, seq, question, reference, base_answer, tuned_answer, tuned_side) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    db.prepare("DELETE FROM blind_pairs WHERE evaluation_id = ?").run(evaluationId);
    pairs.forEach((p, seq) => insert.run(newId(), evaluationId, seq, p.question, p.reference, p.baseAnswer, p.tunedAnswer, p.tunedSide));
  })();
  return listBlindPairs(db, evaluationId);
}

export function listBlindPairs(db: Db, evaluationId: string): StoredBlindPair[] {
  return (db.prepare("SELECT * FROM blind_pairs WHERE evaluation_id = ? ORDER BY seq").all(evaluationId) as Row[]).map(toPair);
}

export function getBlindPair(db: Db, id: string): StoredBlindPair {
  const row = db.prepare("SELECT * FROM blind_pairs WHERE id = ?").get(id) as Row | undefined;
  if (!row) throw new NotFoundError(`no blind pair with id ${id}`);
  return toPair(row);
}

/** Records (or replaces) the rater's choice on a pair. */
export function rateBlindPair(db: Db, id: string, choice: BlindChoice, comment: string | null): StoredBlindPair {
  if (db.prepare("UPDATE blind_pairs SET choice = ?, comment = ?, rated_at = ? WHERE id = ?").run(choice, comment, nowIso(), id).changes === 0) throw new NotFoundError(`no blind pair with id ${id} to rate`);
  return getBlindPair(db, id);
}
