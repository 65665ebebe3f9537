import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { addAdapter, addAdapterFile, getAdapter, listAdapters } from "../../../electron/app/store/adapters";
import { addBaseModel, listBaseModels, mainQuantization } from "../../../electron/app/store/baseModels";
import { addMessages, createChat, listMessages } from "../../../electron/app/store/chats";
import { createComparison, getComparison, rateComparison, ratingSummary } from "../../../electron/app/store/comparisons";
import { countExamples, importDataset, listDatasets, listExamples, toStoredExample } from "../../../electron/app/store/datasets";
import { addEvaluation, listEvaluations } from "../../../electron/app/store/evaluations";
import { openStore, type Db } from "../../../electron/app/store/openStore";
import { createProject, deleteProject, getProject, renameProject } from "../../../electron/app/store/projects";
import { addMetrics, getRun, listAttempts, listMetrics, listRuns, recordRun, setAttempts, updateRun } from "../../../electron/app/store/runs";
import { markInterruptedRuns } from "../../../electron/app/store/markInterruptedRuns";
import { NotFoundError, StoreError } from "../../../electron/app/store/StoreError";
import { inspectModel } from "../../../electron/engine/gguf/inspectModel";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";

const dir = mkdtempSync(join(tmpdir(), "store-repo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let db: Db;
let n = 0;
beforeEach(() => {
  db = openStore(join(dir, `s${n++}.db`));
  return () => db.close();
});

describe("repositories", () => {
  it("projects: create, rename, not-found errors that name the id", () => {
    const p = createProject(db, { name: "  Clinic QA ", domain: "clinic", language: "en" });
    expect(p.name).toBe("Clinic QA");
    expect(renameProject(db, p.id, "Clinic quality").name).toBe("Clinic quality");
    expect(() => getProject(db, "nope")).toThrow(/no project with id nope/);
    expect(() => createProject(db, { name: " " })).toThrow(/needs a name/);
  });

  it("base models from an inspection, once per file", async () => {
    const path = join(dir, "m.gguf");
    await makeTinyModel({ arch: "qwen2", preset: "tiny", dtype: "q8_0", out: path, seed: 1 });
    const m = await inspectModel(path);
    const a = addBaseModel(db, m);
    const b = addBaseModel(db, m);
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({ architecture: "qwen2", quantization: "Q8_0", sha256: m.sha256, parameters: m.parameters });
    expect(listBaseModels(db)).toHaveLength(1);
    expect(mainQuantization({ F32: 9, Q4_K: 5, Q6_K: 2 })).toBe("Q4_K");
  });

  it("datasets keep each example's source location, split and redactions; a failed import leaves nothing", () => {
    const p = createProject(db, { name: "law" });
    const examples = [
      toStoredExample({ id: "faq.csv:R2", kind: "chat", messages: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }], source: { file: "faq.csv", row: 2, sheet: "S1" } }, "train", [{ kind: "email", count: 1 }]),
      toStoredExample({ id: "guide.pdf:p3c0", kind: "document", text: "text", group: "guide", source: { file: "guide.pdf", page: 3, chunk: 0 } }, "validation"),
    ];
    const d = importDataset(db, { projectId: p.id, name: "v1", files: [{ file: "faq.csv" }], redaction: { choices: { email: "mask" }, counts: { email: 1 } } }, examples);
    expect(d.exampleCount).toBe(2);
    expect(listExamples(db, d.id)).toEqual(examples);
    expect(listExamples(db, d.id, { split: "validation" }).map((e) => e.source)).toEqual([{ file: "guide.pdf", page: 3, chunk: 0 }]);

    const dup = [examples[0]!, examples[0]!];
    expect(() => importDataset(db, { projectId: p.id, name: "dup", files: [], redaction: {} }, dup)).toThrow(/faq.csv:R2" appears twice/);
    expect(listDatasets(db, p.id).map((x) => x.name)).toEqual(["v1"]);
    expect(countExamples(db)).toBe(2);
    expect(() => importDataset(db, { projectId: "missing", name: "x", files: [], redaction: {} }, examples)).toThrow(NotFoundError);
  });

  it("runs: metrics merge evals into steps, attempts, interrupted detection by dead pid, cascade on project delete", () => {
    const p = createProject(db, { name: "runs" });
    const run = recordRun(db, { projectId: p.id, outDir: "/r/1", config: { seqLen: 128 }, status: "running", workerPid: 999_999_999 });
    expect(() => recordRun(db, { outDir: "/r/1", config: {} })).toThrow(/already recorded for folder \/r\/1/);
    addMetrics(db, run.id, [{ step: 1, loss: 2.5, lr: 1e-4 }, { step: 2, loss: 2.1 }]);
    addMetrics(db, run.id, [{ step: 2, valLoss: 2.3 }, { step: 2, loss: 2.0 }]);
    expect(listMetrics(db, run.id).map((m) => [m.step, m.loss, m.valLoss])).toEqual([[1, 2.5, null], [2, 2.0, 2.3]]);
    setAttempts(db, run.id, [{ startedAt: "t0", endedAt: null, fromStep: null, status: "running", cause: null, change: { batchSize: [4, 2], reason: "oom" } }]);
    const alive = recordRun(db, { outDir: "/r/2", config: {}, status: "running", workerPid: process.pid });

    const marked = markInterruptedRuns(db);
    expect(marked.map((r) => r.id)).toEqual([run.id]);
    expect(getRun(db, run.id)).toMatchObject({ status: "interrupted", workerPid: null, error: { code: "WorkerDied", resumable: false } }); // /r/1 has no checkpoint: resuming starts over
    expect(getRun(db, run.id).error?.message).toMatch(/--resume \/r\/1/);
    expect(listAttempts(db, run.id)[0]).toMatchObject({ status: "interrupted", change: { batchSize: [4, 2] } });
    expect(getRun(db, alive.id).status).toBe("running");
    expect(updateRun(db, alive.id, { status: "finished", result: { step: 3 } }).result).toEqual({ step: 3 });

    deleteProject(db, p.id);
    expect(listRuns(db).map((r) => r.outDir)).toEqual(["/r/2"]);
    expect(listMetrics(db, run.id)).toEqual([]);
  });

  it("adapters with files, chats with messages, blind comparisons with ratings, evaluations", () => {
    const p = createProject(db, { name: "all" });
    const sha = "a".repeat(64);
    const adapter = addAdapter(db, { projectId: p.id, name: "v1", files: [{ format: "gguf-lora", path: "/x/adapter.gguf", sha256: sha, bytes: 10 }] });
    addAdapterFile(db, adapter.id, { format: "peft", path: "/x/peft", sha256: "b".repeat(64) });
    expect(getAdapter(db, adapter.id).files.map((f) => f.format).sort()).toEqual(["gguf-lora", "peft"]);
    expect(() => addAdapter(db, { name: "bad", files: [{ format: "x", path: "/p", sha256: "short" }] })).toThrow(/CHECK/);
    expect(listAdapters(db)).toHaveLength(1); // the failed one left no row

    const chat = createChat(db, { projectId: p.id, title: "try", adapterId: adapter.id });
    expect(addMessages(db, chat.id, [{ role: "user", content: "你好" }, { role: "assistant", content: "hi" }])).toEqual([1, 2]);
    expect(addMessages(db, chat.id, [{ role: "user", content: "more" }])).toEqual([3]);
    expect(listMessages(db, chat.id).map((m) => m.content)).toEqual(["你好", "hi", "more"]);

    const c = createComparison(db, { projectId: p.id, prompt: "q", aAdapterId: null, bAdapterId: adapter.id, aOutput: "base", bOutput: "tuned" });
    rateComparison(db, c.id, "dr. li", "b");
    rateComparison(db, c.id, "dr. li", "tie"); // a rater changes their mind: one rating each
    rateComparison(db, c.id, "dr. wu", "b", "more precise");
    expect(getComparison(db, c.id)).toMatchObject({ blind: true, aAdapterId: null });
    expect(ratingSummary(db, p.id)).toEqual({ a: 0, b: 1, tie: 1, "both-bad": 0 });
    expect(() => rateComparison(db, c.id, "x", "maybe" as never)).toThrow(StoreError);

    addEvaluation(db, { projectId: p.id, runId: null, adapterId: adapter.id, kind: "golden-questions", metrics: { passed: 8, total: 10 } });
    expect(listEvaluations(db, { projectId: p.id })[0]?.metrics).toEqual({ passed: 8, total: 10 });
  });
});
