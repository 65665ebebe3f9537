/**
 * Drafting in the app, through dispatch, with a tiny random-weight model (its drafts are noise: the mechanism is
 * tested): the job copies its documents, drafts every passage (each draft parses and its source span is a slice of
 * its document), reports bad inputs per file and page and drafts the rest, pauses, resumes after an interruption
 * without drafting a passage twice, is reviewed, and its accepted pairs import as examples with their provenance.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStudioApi } from "../../../electron/app/api/createStudioApi";
import { dispatch } from "../../../electron/app/api/dispatch";
import { readDocument } from "../../../electron/app/drafting/readPassages";
import { storePath } from "../../../electron/app/store/resolveHome";
import type { DraftJobView, DraftView } from "../../../electron/contract/dto";
import type { ApiMethod, ParamsIn, StudioApiResults } from "../../../electron/contract/StudioApi";
import { openStudio } from "../api/studioFixture";
import { TEST_CONTEXT, TEST_LIMITS, TEST_PASSAGE_TOKENS, withoutChatTemplate, withoutChinese, writeDraftingInputs } from "./draftingFixtures";

const OPTIONS = { draftThreads: 1, draftLimits: TEST_LIMITS, draftPassageTokens: TEST_PASSAGE_TOKENS, draftContextSize: TEST_CONTEXT };
const f = openStudio(OPTIONS);
const inputs = join(f.home, "inputs");
let md = "";
let pdf = "";
let csv = "";
let modelId = "";
let projectId = "";
let job: DraftJobView;

const waitForJob = async (call: typeof f.call, jobId: string, until: (j: DraftJobView) => boolean, timeoutMs = 120_000): Promise<DraftJobView> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = await call("getDraftJob", { jobId });
    if (until(j)) return j;
    if (Date.now() > end) throw new Error(`job ${jobId} is still ${j.status} (${j.passagesDone}/${j.passagesTotal})`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const ended = (j: DraftJobView) => j.status !== "running";
const allDrafts = async (call: typeof f.call, jobId: string): Promise<DraftView[]> => (await call("listDrafts", { jobId, limit: 500 })).drafts;

beforeAll(async () => {
  mkdirSync(inputs, { recursive: true });
  const written = await writeDraftingInputs(inputs);
  md = written.md;
  pdf = written.pdf;
  csv = join(inputs, "table.csv");
  writeFileSync(csv, "question,answer\nA,B\n");
  modelId = (await f.call("addModel", { path: written.model })).id;
  projectId = (await f.call("createProject", { name: "Clinic", domain: "medical", language: "en" })).id;
}, 60_000);
afterAll(() => f.close());

describe("a drafting job in the app", () => {
  it("drafts every passage of a Markdown file and a PDF, each draft traced to a span of its document", async () => {
    const started = Date.now();
    job = await f.call("startDrafting", { projectId, paths: [md, pdf, csv], modelId, pairs: 2 });
    expect(job.status).toBe("running");
    // The documents are copied into the job's folder: the job resumes even when the originals (an upload) are gone.
    expect(readdirSync(join(f.home, "drafts", job.id)).sort()).toEqual(["clinic-guide.md", "clinic-hours.pdf", "table.csv"]);
    job = await waitForJob(f.call, job.id, ended);
    const seconds = (Date.now() - started) / 1000;
    expect(job.status, JSON.stringify(job.error)).toBe("finished");
    expect(job.passagesTotal).toBeGreaterThanOrEqual(4);
    expect(job.passagesDone).toBe(job.passagesTotal);
    expect(job.files.map((x) => x.name)).toEqual(["clinic-guide.md", "clinic-hours.pdf", "table.csv"]);
    expect(job.files[0]!.passages + job.files[1]!.passages).toBe(job.passagesTotal);
    expect(job.files[2]!.passages).toBe(0);
    // The bad inputs, each named with its page, in both languages; the rest was drafted.
    const scanned = job.problems.find((p) => p.code === "NO_TEXT");
    expect(scanned).toMatchObject({ file: "clinic-hours.pdf", page: 2 });
    expect(scanned!.message.en).toMatch(/^clinic-hours\.pdf, page 2: no text found.*OCR/);
    expect(scanned!.message.zh).toMatch(/^clinic-hours\.pdf 第 2 页：未找到文字/);
    expect(job.problems.find((p) => p.code === "UNSUPPORTED_FILE")).toMatchObject({ file: "table.csv", message: { en: expect.stringMatching(/table\.csv: files of type "\.csv"/) } });

    const drafts = await allDrafts(f.call, job.id);
    expect(drafts.length).toBe(job.counts.total);
    expect(drafts.length).toBeGreaterThan(0);
    const texts = new Map<string, string>();
    for (const [name, path] of [["clinic-guide.md", md], ["clinic-hours.pdf", pdf]] as const) texts.set(name, (await readDocument(path, name)).text);
    const perPassage = new Map<number, number>();
    for (const d of drafts) {
      expect(d.question.length).toBeGreaterThan(0);
      expect(d.answer.length).toBeLessThanOrEqual(TEST_LIMITS.answerChars);
      expect(d.status).toBe("pending");
      expect(d.passageText).toBe(texts.get(d.source.file)!.slice(d.source.start, d.source.end));
      for (const e of d.source.evidence) expect(e.start >= d.source.start && e.end <= d.source.end && e.start < e.end).toBe(true);
      if (d.source.file === "clinic-hours.pdf") expect([1, 3]).toContain(d.source.page);
      else expect(d.source.page).toBeUndefined();
      expect(typeof d.checks.passed).toBe("boolean");
      perPassage.set(d.passage, (perPassage.get(d.passage) ?? 0) + 1);
    }
    for (const n of perPassage.values()) expect(n).toBe(2);
    // Progress events: passages done and the job, at most ~10 per second.
    const progress = f.events.filter((e) => e.event === "drafting.progress" && e.payload.jobId === job.id);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(seconds * 10 + 5);
    expect(f.events.some((e) => e.event === "state.changed" && e.payload.kind === "drafts")).toBe(true);
  }, 180_000);

  it("is reviewed: edit keeps the model's words, reject, reset, accept; then the accepted pairs import with provenance", async () => {
    const drafts = await allDrafts(f.call, job.id);
    const [a, b, c, d] = drafts as [DraftView, DraftView, DraftView, DraftView];
    // The checks follow the words kept: an answer copied from the passage is supported (with its evidence), one with a
    // number the passage lacks is not; a reset checks the model's words again.
    const sentence = a.passageText.split(/(?<=[.!?])\s/)[0]!.trim();
    const copied = await f.call("reviewDraft", { draftId: a.id, action: "edit", answer: sentence });
    expect(copied.checks.supported).toBe(true);
    expect(copied.source.evidence.length).toBeGreaterThan(0);
    const madeUp = await f.call("reviewDraft", { draftId: a.id, action: "edit", answer: `${sentence} Take 999 tablets.` });
    expect(madeUp.checks).toMatchObject({ supported: false, passed: false });
    expect((await f.call("reviewDraft", { draftId: a.id, action: "reset" })).checks).toEqual(a.checks);
    const edited = await f.call("reviewDraft", { draftId: a.id, action: "edit", question: "How long do I fast before a blood test?", answer: "Fast for 8 hours before the appointment." });
    expect(edited).toMatchObject({ status: "edited", question: "How long do I fast before a blood test?", drafted: { question: a.question, answer: a.answer } });
    expect((await f.call("reviewDraft", { draftId: b.id, action: "reject" })).status).toBe("rejected");
    expect((await f.call("reviewDraft", { draftId: c.id, action: "accept" })).status).toBe("accepted");
    expect((await f.call("reviewDraft", { draftId: d.id, action: "accept" })).status).toBe("accepted");
    const reset = await f.call("reviewDraft", { draftId: d.id, action: "reset" });
    expect(reset).toMatchObject({ status: "pending", drafted: null, question: d.question });
    expect(await f.fail("reviewDraft", { draftId: a.id, action: "edit" })).toMatchObject({ code: "invalid-input" });
    const passing = drafts.filter((x) => x.checks.passed && x.status === "pending" && ![a.id, b.id, c.id].includes(x.id)).length;
    const after = await f.call("acceptPassingDrafts", { jobId: job.id });
    expect(after.counts).toMatchObject({ edited: 1, rejected: 1, accepted: 1 + passing, total: drafts.length });
    expect((await f.call("listDrafts", { jobId: job.id, status: "rejected" })).drafts.map((x) => x.id)).toEqual([b.id]);

    const exported = await f.call("exportAcceptedDrafts", { jobId: job.id });
    expect(exported.pairs).toBe(2 + passing);
    expect(exported.file.path).toBe(join(f.home, "drafts", job.id, "accepted-drafts.jsonl"));
    const lines = readFileSync(exported.file.path, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status).sort()).toEqual([...Array(1 + passing).fill("accepted"), "edited"].sort());

    const dataset = await f.call("importDataset", { projectId, paths: [exported.file.path], validationShare: 0 });
    expect(dataset.exampleCount).toBe(exported.pairs);
    expect(dataset.drafted).toEqual({ examples: exported.pairs, models: [{ name: job.model.name, sha256: job.model.sha256 }] });
    const examples = await f.call("listExamples", { datasetId: dataset.id });
    const fromEdit = examples.find((e) => e.messages?.[0]?.content === "How long do I fast before a blood test?");
    expect(fromEdit).toMatchObject({ kind: "chat", messages: [{ role: "user" }, { role: "assistant", content: "Fast for 8 hours before the appointment." }] });
    expect(fromEdit!.provenance).toEqual({ source: a.source, model: job.model, review: "edited" });
    expect(examples.every((e) => e.provenance?.model.sha256 === job.model.sha256)).toBe(true);
    // A dataset of ordinary examples has no drafted count.
    const plain = join(inputs, "plain.jsonl");
    writeFileSync(plain, JSON.stringify({ messages: [{ role: "user", content: "Hi there, a question?" }, { role: "assistant", content: "An answer to it." }] }) + "\n");
    expect((await f.call("importDataset", { projectId, paths: [plain] })).drafted).toBeNull();
  }, 60_000);

  it("refuses to export a job with nothing accepted, and to resume a cancelled job", async () => {
    const other = await f.call("startDrafting", { projectId, paths: [md], modelId, pairs: 1 });
    const cancelled = await f.call("cancelDrafting", { jobId: other.id });
    expect(cancelled.status).toBe("cancelled");
    expect(await f.fail("resumeDrafting", { jobId: other.id })).toMatchObject({ code: "conflict" });
    expect(await f.fail("exportAcceptedDrafts", { jobId: other.id })).toMatchObject({ code: "conflict", message: expect.stringMatching(/no accepted or edited pair/) });
    expect((await f.call("listDraftJobs", { projectId })).map((j) => j.id)).toContain(other.id);
  }, 60_000);

  it("stops quietly when its project is deleted while it drafts", async () => {
    const doomed = (await f.call("createProject", { name: "Doomed", domain: "medical", language: "en" })).id;
    const started = await f.call("startDrafting", { projectId: doomed, paths: [md], modelId, pairs: 1 });
    await waitForJob(f.call, started.id, (j) => j.passagesDone >= 1 || ended(j));
    await f.call("deleteProject", { projectId: doomed });
    expect(await f.fail("getDraftJob", { jobId: started.id })).toMatchObject({ code: "not-found" });
    await new Promise((r) => setTimeout(r, 1500)); // the loop meets the missing rows: no crash, no unhandled rejection
    expect(Array.isArray(await f.call("listDraftJobs", { projectId }))).toBe(true); // the app still answers
  }, 60_000);

  it("pauses between tokens and resumes to the end", async () => {
    const started = await f.call("startDrafting", { projectId, paths: [md], modelId, pairs: 1 });
    const paused = await f.call("pauseDrafting", { jobId: started.id });
    expect(paused.status).toBe("paused");
    const doneAtPause = paused.passagesDone;
    await new Promise((r) => setTimeout(r, 800));
    expect((await f.call("getDraftJob", { jobId: started.id })).passagesDone).toBe(doneAtPause);
    expect(await f.fail("pauseDrafting", { jobId: started.id })).toMatchObject({ code: "conflict" });
    await f.call("resumeDrafting", { jobId: started.id });
    const finished = await waitForJob(f.call, started.id, ended);
    expect(finished.status).toBe("finished");
    expect(finished.passagesDone).toBe(finished.passagesTotal);
    const drafts = await allDrafts(f.call, started.id);
    expect(new Set(drafts.map((d) => d.passage)).size).toBe(drafts.length); // one pair per passage, none twice
    expect(drafts.length).toBe(finished.passagesTotal);
  }, 120_000);

  it("names the model without a chat template and the passage the model cannot write, and drafts the rest", async () => {
    const model = (await f.call("listModels", {})).find((m) => m.id === modelId)!;
    const noTemplate = await withoutChatTemplate(model.path, join(inputs, "base-model.gguf"));
    const noTemplateId = (await f.call("addModel", { path: noTemplate })).id;
    const failed = await waitForJob(f.call, (await f.call("startDrafting", { projectId, paths: [md], modelId: noTemplateId, pairs: 1 })).id, ended);
    expect(failed.status).toBe("failed");
    expect(failed.error!.en).toMatch(/base-model\.gguf has no chat template.*pick an instruct \(chat\) model/);
    expect(failed.error!.zh).toMatch(/base-model\.gguf 没有对话模板/);

    const noChinese = await withoutChinese(model.path, join(inputs, "english-only.gguf"));
    const noChineseId = (await f.call("addModel", { path: noChinese })).id;
    const zh = join(inputs, "指南.md");
    writeFileSync(zh, "抽血检查前需要空腹八小时，可以喝水。检查结果会在三个工作日内发送到患者门户网站。");
    const mixed = await waitForJob(f.call, (await f.call("startDrafting", { projectId, paths: [zh, md], modelId: noChineseId, pairs: 1 })).id, ended);
    expect(mixed.status).toBe("finished");
    const lang = mixed.problems.find((p) => p.code === "LANGUAGE_UNSUPPORTED");
    expect(lang).toMatchObject({ file: "指南.md" });
    expect(lang!.message.en).toMatch(/指南\.md: the passage is in Chinese, which english-only\.gguf cannot write \(its tokenizer spells a Chinese character in [\d.]+ tokens/);
    expect(lang!.message.zh).toMatch(/指南\.md：该段为中文，english-only\.gguf 无法书写中文/);
    const drafts = await allDrafts(f.call, mixed.id);
    expect(drafts.length).toBeGreaterThan(0);
    expect(drafts.every((d) => d.source.file === "clinic-guide.md")).toBe(true);
  }, 120_000);
});

describe("after a crash", () => {
  it("an interrupted job resumes where it stopped: every passage drafted once, the same drafts as an uninterrupted job", async () => {
    const home = mkdtempSync(join(tmpdir(), "drafting-restart-"));
    const open = () => {
      const studio = createStudioApi({ home, door: "web", calibrate: false, chatThreads: 1, ...OPTIONS });
      const call = async <M extends ApiMethod>(method: M, params: ParamsIn<M>): Promise<StudioApiResults[M]> => {
        const r = await dispatch(studio.api, method, params);
        if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
        return r.value as StudioApiResults[M];
      };
      return { studio, call };
    };
    try {
      const model = (await f.call("listModels", {})).find((m) => m.id === modelId)!;
      const doc = join(home, "guide.md");
      writeFileSync(doc, readFileSync(md, "utf8"));
      const modelCopy = join(home, "drafter.gguf");
      copyFileSync(model.path, modelCopy);
      let s = open();
      const mId = (await s.call("addModel", { path: modelCopy })).id;
      const pId = (await s.call("createProject", { name: "Restart", domain: "medical", language: "en" })).id;
      const reference = await waitForJob(s.call, (await s.call("startDrafting", { projectId: pId, paths: [doc], modelId: mId, pairs: 1 })).id, ended);
      const referenceDrafts = (await allDrafts(s.call, reference.id)).map((d) => [d.passage, d.question, d.answer]);

      const started = await s.call("startDrafting", { projectId: pId, paths: [doc], modelId: mId, pairs: 1 });
      await waitForJob(s.call, started.id, (j) => j.passagesDone >= 1 || ended(j));
      await s.studio.dispose(); // the loop stops mid-job
      // As after a crash: the store still says running, and the upload is gone (the job has its own copy).
      const db = new Database(storePath(home));
      db.prepare("UPDATE draft_jobs SET status = 'running' WHERE id = ?").run(started.id);
      db.close();
      rmSync(doc);
      s = open();
      const interrupted = await s.call("getDraftJob", { jobId: started.id });
      expect(interrupted.status).toBe("interrupted");
      expect(interrupted.passagesDone).toBeGreaterThanOrEqual(1);
      expect(interrupted.passagesDone).toBeLessThan(interrupted.passagesTotal);
      await s.call("resumeDrafting", { jobId: started.id });
      const resumed = await waitForJob(s.call, started.id, ended);
      expect(resumed.status).toBe("finished");
      expect(resumed.passagesDone).toBe(reference.passagesTotal);
      const drafts = (await allDrafts(s.call, started.id)).map((d) => [d.passage, d.question, d.answer]);
      expect(drafts).toEqual(referenceDrafts);
      await s.studio.dispose();
      expect(existsSync(join(home, "drafts", started.id, "guide.md"))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});
