import type { DraftChecks, DraftJobStatus, DraftModelRef, DraftProblem, DraftStatus, Localized } from "../../contract/dto";
import type { Db } from "./openStore";
import { fromJson, newId, nowIso, toJson } from "./rows";
import { NotFoundError, StoreError } from "./StoreError";

/** A document of a drafting job, as copied into the job's folder. */
export interface DraftJobFile {
  /** The name the user added it under (shown, and kept in every draft's source). */
  name: string;
  /** The copy in <home>/drafts/<jobId>/ the job reads. */
  path: string;
  sha256: string;
}

export interface DraftJob {
  id: string;
  projectId: string;
  status: DraftJobStatus;
  model: DraftModelRef & { path: string };
  pairs: number;
  files: DraftJobFile[];
  /** Null until the documents are read and split into passages. */
  passagesTotal: number | null;
  problems: DraftProblem[];
  error: Localized | null;
  draftingMs: number;
  createdAt: string;
  updatedAt: string;
}

/** One passage of a job's documents: its span [start, end) in the document's text (pages joined by a blank line). */
export interface StoredPassage {
  seq: number;
  file: string;
  page: number | null;
  start: number;
  end: number;
  text: string;
  done: boolean;
}

/** A draft as the job writes it (the review fields start as drafted). */
export interface NewDraft {
  question: string;
  answer: string;
  evidence: { start: number; end: number }[];
  checks: DraftChecks;
}

export interface StoredDraft extends NewDraft {
  id: string;
  jobId: string;
  passage: number;
  draftedQuestion: string;
  draftedAnswer: string;
  status: DraftStatus;
  reviewedAt: string | null;
}

interface JobRow {
  id: string;
  project_id: string;
  status: DraftJobStatus;
  model_path: string;
  model_name: string;
  model_sha256: string;
  pairs: number;
  files_json: string;
  passages_total: number | null;
  problems_json: string;
  error_json: string | null;
  drafting_ms: number;
  created_at: string;
  updated_at: string;
}

const toJob = (r: JobRow): DraftJob => ({
  id: r.id,
  projectId: r.project_id,
  status: r.status,
  model: { path: r.model_path, name: r.model_name, sha256: r.model_sha256 },
  pairs: r.pairs,
  files: fromJson<DraftJobFile[]>(r.files_json) ?? [],
  passagesTotal: r.passages_total,
  problems: fromJson<DraftProblem[]>(r.problems_json) ?? [],
  error: fromJson<Localized>(r.error_json),
  draftingMs: r.drafting_ms,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createDraftJob(db: Db, input: { id?: string; projectId: string; model: DraftModelRef & { path: string }; pairs: number; files: DraftJobFile[] }): DraftJob {
  const id = input.id ?? newId();
  const now = nowIso();
  db.prepare(
    "INSERT INTO draft_jobs (id, project_id, status, model_path, model_name, model_sha256, pairs, files_json, created_at, updated_at) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
  ).run(id, input.projectId, input.model.path, input.model.name, input.model.sha256, input.pairs, JSON.stringify(input.files), now, now);
  return getDraftJob(db, id);
}

export function getDraftJob(db: Db, id: string): DraftJob {
  const row = db.prepare("SELECT * FROM draft_jobs WHERE id = ?").get(id) as JobRow | undefined;
  if (!row) throw new NotFoundError(`no drafting job with id ${id}`);
  return toJob(row);
}

export function listDraftJobs(db: Db, projectId: string): DraftJob[] {
  return (db.prepare("SELECT * FROM draft_jobs WHERE project_id = ? ORDER BY created_at DESC, rowid DESC").all(projectId) as JobRow[]).map(toJob);
}

export function setDraftJobStatus(db: Db, id: string, status: DraftJobStatus, error: Localized | null = null): void {
  db.prepare("UPDATE draft_jobs SET status = ?, error_json = ?, updated_at = ? WHERE id = ?").run(status, toJson(error), nowIso(), id);
}

/** Jobs that were drafting when the app last stopped (closed or crashed): interrupted, resumable. */
export function markInterruptedDraftJobs(db: Db): number {
  return db.prepare("UPDATE draft_jobs SET status = 'interrupted', updated_at = ? WHERE status = 'running'").run(nowIso()).changes;
}

/** Stores the job's passages and the problems met reading its documents, all at once. */
export function storePassages(db: Db, jobId: string, passages: Omit<StoredPassage, "done" | "seq">[], problems: DraftProblem[]): void {
  const insert = db.prepare("INSERT INTO draft_passages (job_id, seq, file, page, start_offset, end_offset, text) VALUES (?, ?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    const job = getDraftJob(db, jobId);
    if (job.passagesTotal !== null) throw new StoreError(`drafting job ${jobId} already has its passages`);
    passages.forEach((p, seq) => insert.run(jobId, seq, p.file, p.page, p.start, p.end, p.text));
    db.prepare("UPDATE draft_jobs SET passages_total = ?, problems_json = ?, updated_at = ? WHERE id = ?").run(passages.length, JSON.stringify([...job.problems, ...problems]), nowIso(), jobId);
  })();
}

interface PassageRow {
  seq: number;
  file: string;
  page: number | null;
  start_offset: number;
  end_offset: number;
  text: string;
  done_at: string | null;
}
const toPassage = (r: PassageRow): StoredPassage => ({ seq: r.seq, file: r.file, page: r.page, start: r.start_offset, end: r.end_offset, text: r.text, done: r.done_at !== null });

export function listPassages(db: Db, jobId: string, options: { pending?: boolean } = {}): StoredPassage[] {
  const where = options.pending ? "AND done_at IS NULL" : "";
  return (db.prepare(`SELECT * FROM draft_passages WHERE job_id = ? ${where} ORDER BY seq`).all(jobId) as PassageRow[]).map(toPassage);
}

export function passagesDone(db: Db, jobId: string): number {
  return (db.prepare("SELECT count(*) AS n FROM draft_passages WHERE job_id = ? AND done_at IS NOT NULL").get(jobId) as { n: number }).n;
}

/** Passages per document, in the job's document order. */
export function passagesPerFile(db: Db, jobId: string): Map<string, number> {
  const rows = db.prepare("SELECT file, count(*) AS n FROM draft_passages WHERE job_id = ? GROUP BY file").all(jobId) as { file: string; n: number }[];
  return new Map(rows.map((r) => [r.file, r.n]));
}

/**
 * Writes one passage's drafts, its problems and its done mark in one transaction: a crash leaves the passage either
 * drafted with all its drafts or not drafted at all, so a resumed job drafts it again from scratch, never twice.
 */
export function finishPassage(db: Db, jobId: string, seq: number, drafts: NewDraft[], problems: DraftProblem[], ms: number): StoredDraft[] {
  const insert = db.prepare(
    "INSERT INTO drafts (id, job_id, passage, question, answer, drafted_question, drafted_answer, status, evidence_json, checks_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
  );
  const ids: string[] = [];
  db.transaction(() => {
    const marked = db.prepare("UPDATE draft_passages SET done_at = ? WHERE job_id = ? AND seq = ? AND done_at IS NULL").run(nowIso(), jobId, seq);
    if (marked.changes !== 1) throw new StoreError(`passage ${seq} of drafting job ${jobId} is missing or drafted already`);
    const now = nowIso();
    for (const d of drafts) {
      const id = newId();
      insert.run(id, jobId, seq, d.question, d.answer, d.question, d.answer, JSON.stringify(d.evidence), JSON.stringify(d.checks), now);
      ids.push(id);
    }
    if (problems.length) {
      const job = getDraftJob(db, jobId);
      db.prepare("UPDATE draft_jobs SET problems_json = ? WHERE id = ?").run(JSON.stringify([...job.problems, ...problems]), jobId);
    }
    db.prepare("UPDATE draft_jobs SET drafting_ms = drafting_ms + ?, updated_at = ? WHERE id = ?").run(Math.max(0, Math.round(ms)), now, jobId);
  })();
  return ids.map((id) => getDraft(db, id));
}

export function addDraftProblems(db: Db, jobId: string, problems: DraftProblem[]): void {
  if (!problems.length) return;
  db.transaction(() => {
    const job = getDraftJob(db, jobId);
    db.prepare("UPDATE draft_jobs SET problems_json = ?, updated_at = ? WHERE id = ?").run(JSON.stringify([...job.problems, ...problems]), nowIso(), jobId);
  })();
}

interface DraftRow {
  id: string;
  job_id: string;
  passage: number;
  question: string;
  answer: string;
  drafted_question: string;
  drafted_answer: string;
  status: DraftStatus;
  evidence_json: string;
  checks_json: string;
  reviewed_at: string | null;
}
const toDraft = (r: DraftRow): StoredDraft => ({
  id: r.id,
  jobId: r.job_id,
  passage: r.passage,
  question: r.question,
  answer: r.answer,
  draftedQuestion: r.drafted_question,
  draftedAnswer: r.drafted_answer,
  status: r.status,
  evidence: JSON.parse(r.evidence_json),
  checks: JSON.parse(r.checks_json),
  reviewedAt: r.reviewed_at,
});

export function getDraft(db: Db, id: string): StoredDraft {
  const row = db.prepare("SELECT * FROM drafts WHERE id = ?").get(id) as DraftRow | undefined;
  if (!row) throw new NotFoundError(`no draft with id ${id}`);
  return toDraft(row);
}

/** A page of a job's drafts in drafting order (passage, then as drafted), optionally of one status. */
export function listDrafts(db: Db, jobId: string, options: { status?: DraftStatus; limit?: number; offset?: number } = {}): { drafts: StoredDraft[]; total: number } {
  const where = options.status ? "AND status = ?" : "";
  const params = [jobId, ...(options.status ? [options.status] : [])];
  const total = (db.prepare(`SELECT count(*) AS n FROM drafts WHERE job_id = ? ${where}`).get(...params) as { n: number }).n;
  const rows = db.prepare(`SELECT * FROM drafts WHERE job_id = ? ${where} ORDER BY passage, rowid LIMIT ? OFFSET ?`).all(...params, options.limit ?? -1, options.offset ?? 0) as DraftRow[];
  return { drafts: rows.map(toDraft), total };
}

/** Every question drafted so far in a job, in order (for the duplicate check of the next passages). */
export function jobQuestions(db: Db, jobId: string): string[] {
  return (db.prepare("SELECT drafted_question AS q FROM drafts WHERE job_id = ? ORDER BY passage, rowid").all(jobId) as { q: string }[]).map((r) => r.q);
}

export function draftCounts(db: Db, jobId: string): Record<DraftStatus, number> & { total: number; passedChecks: number } {
  const rows = db.prepare("SELECT status, count(*) AS n, sum(json_extract(checks_json, '$.passed')) AS passed FROM drafts WHERE job_id = ? GROUP BY status").all(jobId) as { status: DraftStatus; n: number; passed: number | null }[];
  const counts = { pending: 0, accepted: 0, edited: 0, rejected: 0, total: 0, passedChecks: 0 };
  for (const r of rows) {
    counts[r.status] = r.n;
    counts.total += r.n;
    counts.passedChecks += r.passed ?? 0;
  }
  return counts;
}

export type ReviewAction = { action: "accept" | "reject" | "reset" } | { action: "edit"; question?: string; answer?: string };

/**
 * A reviewer's decision. Accept keeps an edited pair "edited"; reset brings the model's words back and the pair to
 * pending; an edit that leaves both texts as drafted is an accept.
 */
export function reviewDraft(db: Db, id: string, review: ReviewAction): StoredDraft {
  const d = getDraft(db, id);
  const now = nowIso();
  const set = (status: DraftStatus, question: string, answer: string, reviewedAt: string | null) =>
    db.prepare("UPDATE drafts SET status = ?, question = ?, answer = ?, reviewed_at = ? WHERE id = ?").run(status, question, answer, reviewedAt, id);
  switch (review.action) {
    case "accept":
      set(d.question !== d.draftedQuestion || d.answer !== d.draftedAnswer ? "edited" : "accepted", d.question, d.answer, now);
      break;
    case "reject":
      set("rejected", d.question, d.answer, now);
      break;
    case "reset":
      set("pending", d.draftedQuestion, d.draftedAnswer, null);
      break;
    case "edit": {
      const question = review.question ?? d.question;
      const answer = review.answer ?? d.answer;
      set(question !== d.draftedQuestion || answer !== d.draftedAnswer ? "edited" : "accepted", question, answer, now);
      break;
    }
    default:
      review satisfies never;
  }
  return getDraft(db, id);
}

/** Replaces a draft's checks and evidence spans (after a reviewer's edit or reset, the checks follow the words kept). */
export function setDraftChecks(db: Db, id: string, evidence: NewDraft["evidence"], checks: NewDraft["checks"]): StoredDraft {
  db.prepare("UPDATE drafts SET evidence_json = ?, checks_json = ? WHERE id = ?").run(JSON.stringify(evidence), JSON.stringify(checks), id);
  return getDraft(db, id);
}

/** The questions (as they stand now) of the drafts before this one in drafting order: what a duplicate repeats. */
export function questionsBefore(db: Db, draft: StoredDraft): string[] {
  const rows = db.prepare("SELECT question AS q, rowid AS r, id FROM drafts WHERE job_id = ? ORDER BY passage, rowid").all(draft.jobId) as { q: string; id: string }[];
  const at = rows.findIndex((r) => r.id === draft.id);
  return rows.slice(0, Math.max(0, at)).map((r) => r.q);
}

/** Accepts every pending draft of a job whose checks all passed; returns how many. */
export function acceptPassingDrafts(db: Db, jobId: string): number {
  return db.prepare("UPDATE drafts SET status = 'accepted', reviewed_at = ? WHERE job_id = ? AND status = 'pending' AND json_extract(checks_json, '$.passed') = 1").run(nowIso(), jobId).changes;
}

export function getPassage(db: Db, jobId: string, seq: number): StoredPassage {
  const row = db.prepare("SELECT * FROM draft_passages WHERE job_id = ? AND seq = ?").get(jobId, seq) as PassageRow | undefined;
  if (!row) throw new NotFoundError(`drafting job ${jobId} has no passage ${seq}`);
  return toPassage(row);
}
