/**
 * The drafting tables (store migration 7): a passage's drafts and its done mark are written in one transaction, so
 * a passage is never drafted twice and a failure part-way leaves neither; the review keeps the model's words.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DraftChecks } from "../../../electron/contract/dto";
import {
  acceptPassingDrafts,
  createDraftJob,
  draftCounts,
  finishPassage,
  getDraftJob,
  listDrafts,
  listPassages,
  markInterruptedDraftJobs,
  reviewDraft,
  storePassages,
  type NewDraft,
} from "../../../electron/app/store/draftJobs";
import { openStore } from "../../../electron/app/store/openStore";
import { createProject } from "../../../electron/app/store/projects";
import { StoreError } from "../../../electron/app/store/StoreError";

const dir = mkdtempSync(join(tmpdir(), "draft-store-"));
const db = openStore(join(dir, "store.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const checks = (passed: boolean): DraftChecks => ({ supported: passed, duplicate: false, length: "ok", language: "ok", personalData: [], passed });
const draft = (q: string, passed = true): NewDraft => ({ question: q, answer: `Answer to ${q}`, evidence: [{ start: 0, end: 5 }], checks: checks(passed) });

function newJob() {
  const project = createProject(db, { name: "P", domain: "medical", language: "en" });
  const job = createDraftJob(db, { projectId: project.id, model: { path: "/m.gguf", name: "M", sha256: "f".repeat(64) }, pairs: 2, files: [{ name: "a.md", path: "/x/a.md", sha256: "0".repeat(64) }] });
  storePassages(db, job.id, [0, 1, 2].map((i) => ({ file: "a.md", page: null, start: i * 10, end: i * 10 + 9, text: `passage ${i}` })), []);
  return job;
}

describe("draft jobs in the store", () => {
  it("writes a passage's drafts with its done mark once; a second write of the same passage is refused and adds nothing", () => {
    const job = newJob();
    expect(getDraftJob(db, job.id).passagesTotal).toBe(3);
    finishPassage(db, job.id, 0, [draft("q1"), draft("q2", false)], [], 120);
    expect(() => finishPassage(db, job.id, 0, [draft("q1 again")], [], 50)).toThrow(StoreError);
    expect(listDrafts(db, job.id).total).toBe(2);
    expect(listPassages(db, job.id, { pending: true }).map((p) => p.seq)).toEqual([1, 2]);
    expect(getDraftJob(db, job.id).draftingMs).toBe(120);
  });

  it("leaves a passage undrafted, with no draft of it, when writing one of its drafts fails", () => {
    const job = newJob();
    const broken = { ...draft("q"), checks: undefined as unknown as DraftChecks, question: null as unknown as string };
    expect(() => finishPassage(db, job.id, 1, [draft("fine"), broken], [], 10)).toThrow();
    expect(listDrafts(db, job.id).total).toBe(0);
    expect(listPassages(db, job.id, { pending: true }).map((p) => p.seq)).toEqual([0, 1, 2]);
  });

  it("reviews: an edit keeps the drafted words, reset brings them back, accept-passing takes only pending drafts that passed", () => {
    const job = newJob();
    const [a, b] = finishPassage(db, job.id, 0, [draft("first"), draft("second", false)], [], 1);
    const [c] = finishPassage(db, job.id, 1, [draft("third")], [], 1);
    const edited = reviewDraft(db, a!.id, { action: "edit", answer: "A better answer." });
    expect(edited).toMatchObject({ status: "edited", answer: "A better answer.", draftedAnswer: "Answer to first" });
    expect(reviewDraft(db, a!.id, { action: "accept" }).status).toBe("edited");
    expect(reviewDraft(db, a!.id, { action: "reset" })).toMatchObject({ status: "pending", answer: "Answer to first" });
    expect(reviewDraft(db, a!.id, { action: "edit", answer: "Answer to first" }).status).toBe("accepted");
    reviewDraft(db, c!.id, { action: "reject" });
    expect(acceptPassingDrafts(db, job.id)).toBe(0); // a accepted already, b failed its checks, c rejected
    reviewDraft(db, a!.id, { action: "reset" });
    expect(acceptPassingDrafts(db, job.id)).toBe(1);
    expect(draftCounts(db, job.id)).toEqual({ pending: 1, accepted: 1, edited: 0, rejected: 1, total: 3, passedChecks: 2 });
    expect(listDrafts(db, job.id, { status: "pending" }).drafts.map((d) => d.id)).toEqual([b!.id]);
  });

  it("marks running jobs interrupted when the app starts again", () => {
    const job = newJob();
    expect(markInterruptedDraftJobs(db)).toBeGreaterThanOrEqual(1);
    expect(getDraftJob(db, job.id).status).toBe("interrupted");
  });
});
