import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError, StoreError } from "./StoreError";

export const RATING_CHOICES = ["a", "b", "tie", "both-bad"] as const;
export type RatingChoice = (typeof RATING_CHOICES)[number];

export interface Comparison {
  id: string;
  projectId: string;
  prompt: string;
  /** null: the base model without adapter. */
  aAdapterId: string | null;
  bAdapterId: string | null;
  aOutput: string;
  bOutput: string;
  blind: boolean;
  createdAt: string;
  ratings: { rater: string; choice: RatingChoice; note: string | null; createdAt: string }[];
}

export function createComparison(db: Db, input: Omit<Comparison, "id" | "createdAt" | "ratings" | "blind"> & { blind?: boolean }): Comparison {
  const id = newId();
  db.prepare("INSERT INTO comparisons (id, project_id, prompt, a_adapter_id, b_adapter_id, a_output, b_output, blind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
    id, input.projectId, input.prompt, input.aAdapterId, input.bAdapterId, input.aOutput, input.bOutput, input.blind === false ? 0 : 1, nowIso(),
  );
  return getComparison(db, id);
}

/** Records (or replaces) one rater's choice on a comparison. */
export function rateComparison(db: Db, comparisonId: string, rater: string, choice: RatingChoice, note?: string): void {
  if (!(RATING_CHOICES as readonly string[]).includes(choice)) throw new StoreError(`rating "${choice}" is not one of ${RATING_CHOICES.join(", ")}`);
  if (!db.prepare("SELECT 1 FROM comparisons WHERE id = ?").get(comparisonId)) throw new NotFoundError(`no comparison with id ${comparisonId} to rate`);
  db.prepare("INSERT OR REPLACE INTO ratings (comparison_id, rater, choice, note, created_at) VALUES (?, ?, ?, ?, ?)").run(comparisonId, rater, choice, note ?? null, nowIso());
}

export function getComparison(db: Db, id: string): Comparison {
  const r = db.prepare("SELECT * FROM comparisons WHERE id = ?").get(id) as Record<string, string | number | null> | undefined;
  if (!r) throw new NotFoundError(`no comparison with id ${id}`);
  const ratings = db.prepare("SELECT rater, choice, note, created_at AS createdAt FROM ratings WHERE comparison_id = ? ORDER BY id").all(id) as Comparison["ratings"];
  return {
    id: r.id as string,
    projectId: r.project_id as string,
    prompt: r.prompt as string,
    aAdapterId: r.a_adapter_id as string | null,
    bAdapterId: r.b_adapter_id as string | null,
    aOutput: r.a_output as string,
    bOutput: r.b_output as string,
    blind: r.blind === 1,
    createdAt: r.created_at as string,
    ratings,
  };
}

export function listComparisons(db: Db, projectId: string): Comparison[] {
  return (db.prepare("SELECT id FROM comparisons WHERE project_id = ? ORDER BY created_at, rowid").all(projectId) as { id: string }[]).map((r) => getComparison(db, r.id));
}

/** Counts of each choice over a project's rated comparisons. */
export function ratingSummary(db: Db, projectId: string): Record<RatingChoice, number> {
  const rows = db.prepare("SELECT r.choice AS choice, count(*) AS n FROM ratings r JOIN comparisons c ON c.id = r.comparison_id WHERE c.project_id = ? GROUP BY r.choice").all(projectId) as { choice: RatingChoice; n: number }[];
  const summary = { a: 0, b: 0, tie: 0, "both-bad": 0 };
  for (const r of rows) summary[r.choice] = r.n;
  return summary;
}
