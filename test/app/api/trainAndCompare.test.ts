import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "../../../electron/contract/dto";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import Database from "better-sqlite3";
import { forkTrainingWorker } from "../../../electron/app/training/forkTrainingWorker";
import { storePath } from "../../../electron/app/store/resolveHome";
import { repoRoot } from "../../helpers/paths";
import { dataStatsOf } from "../../../electron/app/recommend/DataStats";
import { openStudio } from "./studioFixture";

/** How often the recommender read the data: once per model and dataset, whatever the mode (startRun reuses it too). */
let dataStatsCalls = 0;
const f = openStudio({ deps: { dataStats: (...a) => (dataStatsCalls++, dataStatsOf(...a)) } });
afterAll(() => f.close());
const sample = join(repoRoot, "resources/samples/clinic-faq.jsonl");
/** Small and quick on two busy cores: a tiny model, short sequences, a handful of steps. */
const small = { seqLen: 192, batchSize: 1, gradAccum: 1, rank: 4, alpha: 8, evalEvery: 2, checkpointEvery: 2, earlyStopPatience: 0 };
let projectId = "";

type Progress = Extract<StudioEvent, { event: "training.progress" }>;
const ended = (runId: string) => (e: StudioEvent): e is Progress =>
  e.event === "training.progress" && e.payload.runId === runId && ["finished", "failed", "cancelled", "interrupted"].includes(e.payload.run.status);
const stepped = (runId: string, step: number) => (e: StudioEvent): e is Progress =>
  e.event === "training.progress" && e.payload.runId === runId && e.payload.run.step >= step;
const fresh = () => {
  const at = f.events.length;
  return (match: (e: StudioEvent) => e is Progress) => (e: StudioEvent): e is Progress => match(e) && f.events.indexOf(e) >= at;
};

beforeAll(async () => {
  f.studio.grants.grant(sample);
  const p = await f.call("createProject", { name: "Clinic FAQ", domain: "medical", language: "en" });
  projectId = p.id;
  const model = await f.call("useDemoModel", { architecture: "qwen2", preset: "tiny" });
  await f.call("updateProject", { projectId, modelId: model.id });
  await f.call("importDataset", { projectId, paths: [sample], validationShare: 0.2 });
});

describe("training through dispatch", () => {
  it("recommends per mode, with reasons that say what the mode changed", async () => {
    const balanced = await f.call("recommend", { projectId });
    const quick = await f.call("recommend", { projectId, mode: "quick" });
    const thorough = await f.call("recommend", { projectId, mode: "thorough" });
    expect(balanced.mode).toBe("balanced");
    expect(quick.settings.epochs).toBeLessThanOrEqual(balanced.settings.epochs);
    expect(quick.settings.rank).toBeLessThanOrEqual(balanced.settings.rank);
    expect(thorough.settings.epochs).toBeGreaterThan(balanced.settings.epochs);
    expect(thorough.reasons.find((r) => r.key === "epochs")?.reason.en).toMatch(/^Thorough mode/);
    expect(quick.reasons.find((r) => r.key === "epochs")?.reason.en).toMatch(/^Quick mode/);
    expect(balanced.trainExamples).toBeGreaterThan(0);
    expect(balanced.totalSteps).toBeGreaterThan(0);
    expect(balanced.predicted.peakMemoryMb).toBeGreaterThan(0);
    expect(balanced.settings.valSplit).toBeCloseTo(0.2);
    // The mode only adjusts one recommendation: the data (and the calibration, when on) is measured once.
    expect(dataStatsCalls).toBe(1);
  });

  it("predicts for the settings as edited: steps, memory and time follow the page's overrides, the settings do not", async () => {
    const base = await f.call("recommend", { projectId });
    const edited = await f.call("recommend", { projectId, overrides: { maxSteps: 20, seqLen: base.settings.seqLen * 2, batchSize: base.settings.batchSize * 2 } });
    expect(edited.totalSteps).toBe(20);
    expect(edited.settings).toEqual(base.settings); // the page diffs its edits against these
    expect(edited.predicted.peakMemoryMb).toBeGreaterThan(base.predicted.peakMemoryMb);
    const tenEpochs = await f.call("recommend", { projectId, overrides: { epochs: 10 } });
    expect(tenEpochs.totalSteps!).toBeGreaterThan(base.totalSteps!);
    expect(await f.fail("recommend", { projectId, overrides: { rank: -1 } })).toMatchObject({ code: "invalid-input" });
    expect(dataStatsCalls).toBe(1);
  });

  let runId = "";
  it("trains a run to the end, one at a time, with progress events and metrics stored", async () => {
    const started = await f.call("startRun", { projectId, overrides: { ...small, maxSteps: 4 } });
    runId = started.id;
    expect(started).toMatchObject({ status: "queued", projectId, outDir: join(f.home, "runs", started.id) });
    expect(await f.fail("startRun", { projectId })).toMatchObject({ code: "conflict" });
    const end = (await f.waitFor(ended(runId), 180_000)).payload;
    expect(end.run.status, JSON.stringify(end.run.error)).toBe("finished");
    expect(end.run).toMatchObject({ step: 4, totalSteps: 4, finishReason: "completed", error: null });
    expect(end.run.settings).toMatchObject({ maxSteps: 4, seqLen: 192, rank: 4 });
    const points = f.events.filter((e): e is Progress => e.event === "training.progress" && e.payload.runId === runId && e.payload.point !== null).map((e) => e.payload.point!);
    expect(points.some((p) => p.loss !== null && p.loss > 0)).toBe(true);
    const run = await f.call("getRun", { runId });
    expect(run.metrics.filter((m) => m.loss !== null).map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(run.metrics.some((m) => m.valLoss !== null)).toBe(true);
    expect(run.bestValLoss).not.toBeNull();
    const record = JSON.parse(readFileSync(join(started.outDir, "run.json"), "utf8")) as { data: { trainExamples: number; validationExamples: number; excludedExamples: number } };
    expect(record.data).toMatchObject({ excludedExamples: 0 });
    expect(record.data.validationExamples).toBeGreaterThanOrEqual(3);
    // Training validates on exactly the stored validation examples (the ones Compare shows as held out).
    const [dataset] = await f.call("listDatasets", { projectId });
    expect(record.data).toMatchObject({ trainExamples: dataset!.counts.train, validationExamples: dataset!.counts.validation });
    const items = readFileSync(join(started.outDir, "data", "validation.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { source: { file: string; line: number } });
    expect(items.map((i) => i.source.file)).toEqual(items.map(() => `${dataset!.id}.validation.jsonl`));
    expect(items.map((i) => i.source.line)).toEqual(items.map((_, k) => k + 1));
    expect((await f.call("listRuns", { projectId })).map((r) => r.id)).toEqual([runId]);
    expect((await f.call("getProject", { projectId })).latestRun).toMatchObject({ id: runId, status: "finished" });
    expect((await f.call("getProject", { projectId })).bestRun?.id).toBe(runId);
    expect(await f.fail("resumeRun", { runId })).toMatchObject({ code: "conflict" });
  });

  it("pauses, resumes, cancels with a checkpoint, and resumes a cancelled run to the end", async () => {
    const run = await f.call("startRun", { projectId, mode: "quick", overrides: { ...small, maxSteps: 40, checkpointEvery: 0 } });
    await f.waitFor(stepped(run.id, 1), 180_000);
    expect((await f.call("pauseRun", { runId: run.id })).status).toBe("paused");
    expect((await f.call("listRuns", { projectId })).find((r) => r.id === run.id)?.status).toBe("paused");
    expect(await f.fail("startRun", { projectId })).toMatchObject({ code: "conflict", message: expect.stringMatching(/paused/) });
    expect((await f.call("resumeRun", { runId: run.id })).status).toBe("running");
    const after = fresh();
    await f.call("cancelRun", { runId: run.id });
    const cancelled = (await f.waitFor(after(ended(run.id)), 120_000)).payload.run;
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.finishReason).toBe("cancelled");
    expect(cancelled.step).toBeLessThan(40);
    expect(existsSync(join(run.outDir, "checkpoints"))).toBe(true);

    const again = fresh();
    expect((await f.call("resumeRun", { runId: run.id })).status).toBe("queued");
    const done: RunView = (await f.waitFor(again(ended(run.id)), 180_000)).payload.run;
    expect(done.status, JSON.stringify(done.error)).toBe("finished");
    expect(done.step).toBe(40);
    expect((await f.call("getRun", { runId: run.id })).metrics.filter((m) => m.loss !== null).map((m) => m.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  }, 300_000);

  it("compares base and tuned with streamed tokens; blind mode hides the sides until rated", async () => {
    const open = await f.call("compare", { projectId, runId, prompt: "What are the clinic's opening hours?", requestId: "req-1", sampling: { maxTokens: 8 } });
    expect(open).toMatchObject({ aIs: "base", bIs: "tuned", blind: false, runId, reference: null });
    const tokens = f.events.filter((e) => e.event === "chat.token" && e.payload.requestId === "req-1").map((e) => e.payload as { side: string; text: string; done: boolean });
    for (const side of ["a", "b"] as const) {
      expect(tokens.filter((t) => t.side === side && !t.done).map((t) => t.text).join("")).toBe(side === "a" ? open.a : open.b);
      expect(tokens.filter((t) => t.side === side && t.done)).toHaveLength(1);
    }
    const blind = await f.call("compare", { projectId, runId, prompt: "How do I book an appointment?", blind: true, sampling: { maxTokens: 8 } });
    expect(blind).toMatchObject({ blind: true, aIs: null, bIs: null, rating: null });
    expect((await f.call("listComparisons", { projectId })).find((c) => c.id === blind.id)?.aIs).toBeNull();
    await f.call("updateSettings", { raterName: "Dr. Chen" });
    const rated = await f.call("rateComparison", { comparisonId: blind.id, choice: "a", note: "clearer" });
    expect(rated.rating).toEqual({ choice: "a", note: "clearer", rater: "Dr. Chen" });
    expect([rated.aIs, rated.bIs].sort()).toEqual(["base", "tuned"]);
    expect(await f.call("stopCompare", { requestId: "req-1" })).toEqual({ stopped: false });
  });

  it("answers validation examples with both, with the expected answer as reference", async () => {
    const views = await f.call("compareValidation", { runId, limit: 2 });
    expect(views).toHaveLength(2);
    const data = readFileSync(sample, "utf8");
    for (const v of views) {
      expect(v.runId).toBe(runId);
      expect(data).toContain(JSON.stringify(v.reference!).slice(1, -1));
      expect(data).toContain(JSON.stringify(v.prompt).slice(1, -1));
    }
    // One at a time (the page shows progress per example): skip passes over the ones already answered.
    const second = await f.call("compareValidation", { runId, limit: 1, skip: 1 });
    expect(second.map((v) => v.prompt)).toEqual([views[1]!.prompt]);
    expect(await f.call("compareValidation", { runId, limit: 1, skip: 1000 })).toEqual([]);
  });

  it("keeps saved prompts per project", async () => {
    const s = await f.call("savePrompt", { projectId, text: "  Where do I park?  " });
    expect(s).toMatchObject({ projectId, text: "Where do I park?" });
    expect((await f.call("listSavedPrompts", { projectId })).map((x) => x.id)).toEqual([s.id]);
    expect(await f.call("deleteSavedPrompt", { promptId: s.id })).toEqual({ deleted: true });
    expect(await f.call("listSavedPrompts", { projectId })).toEqual([]);
    expect(await f.fail("deleteSavedPrompt", { promptId: s.id })).toMatchObject({ code: "not-found" });
  });

  it("exports GGUF and PEFT files with their hashes, records them, and reports compatibility", async () => {
    const rows = await f.call("compatibility", { runId });
    expect(rows.find((r) => r.artifact === "gguf-lora" && r.runtime === "llama.cpp")?.status).toBe("yes");
    const summary = await f.call("exportRun", { runId, formats: ["gguf", "peft"] });
    expect(summary.outDir).toBe(join(f.home, "exports", `Clinic-FAQ-${runId.slice(0, 8)}`));
    expect(summary.results.map((r) => r.format)).toEqual(["gguf", "peft"]);
    for (const r of summary.results) {
      expect(r.files.length).toBeGreaterThan(0);
      for (const file of r.files) {
        expect(file.sha256).toBe(createHash("sha256").update(readFileSync(file.path)).digest("hex"));
        expect(file.path.startsWith(summary.outDir)).toBe(true);
      }
    }
    expect(summary.results[1]!.files.some((x) => x.path.endsWith("adapter_model.safetensors"))).toBe(true);
    expect(summary.compatibility.length).toBe(rows.length);
    const db = new Database(storePath(f.home), { readonly: true });
    try {
      const recorded = db.prepare("SELECT f.path, f.sha256, f.format FROM adapter_files f JOIN adapters a ON a.id = f.adapter_id WHERE a.run_id = ?").all(runId) as { path: string; sha256: string; format: string }[];
      for (const file of summary.results.flatMap((r) => r.files)) expect(recorded).toContainEqual(expect.objectContaining({ path: file.path, sha256: file.sha256 }));
    } finally {
      db.close();
    }
    expect(await f.fail("exportRun", { runId, formats: ["gguf"], outDir: "/somewhere/else" })).toMatchObject({ code: "forbidden" });
  });
});

describe("runs that fail or outlive the app", () => {
  it("records a failure before training as the run's state, with the error and a hint", async () => {
    const run = await f.call("startRun", { projectId, overrides: { ...small, seqLen: 4096, maxSteps: 2 } });
    const end = (await f.waitFor(ended(run.id), 60_000)).payload.run;
    expect(end.status).toBe("failed");
    expect(end.error?.message).toMatch(/sequence length 4096 is longer than the model's context \(512 tokens\)/);
    expect(end.error?.hint?.en).toBeTruthy();
    expect(end.error?.resumable).toBe(false);
    expect(await f.fail("resumeRun", { runId: run.id })).toMatchObject({ code: "conflict" });
  });

  it("checkpoints a training run when the app closes, through the injected worker launcher, and resumes it after", async () => {
    let launched = 0;
    const g = openStudio({ startWorker: (job, onEvent) => (launched++, forkTrainingWorker(job, onEvent)) });
    g.studio.grants.grant(sample);
    const p = await g.call("createProject", { name: "Closing", domain: "other", language: "en" });
    const model = await g.call("useDemoModel", { architecture: "qwen2", preset: "tiny" });
    await g.call("updateProject", { projectId: p.id, modelId: model.id });
    await g.call("importDataset", { projectId: p.id, paths: [sample], validationShare: 0.2 });
    const run = await g.call("startRun", { projectId: p.id, overrides: { ...small, maxSteps: 60, checkpointEvery: 0 } });
    await g.waitFor(stepped(run.id, 1), 180_000);
    await g.studio.dispose();
    expect(launched).toBe(1);
    const { createStudioApi } = await import("../../../electron/app/api/createStudioApi");
    const again = createStudioApi({ home: g.home, door: "web", calibrate: false });
    try {
      const stored = await again.api.getRun({ runId: run.id });
      expect(stored.status).toBe("interrupted");
      expect(stored.error).toMatchObject({ code: "AppClosed", resumable: true });
      expect(stored.step).toBeGreaterThan(0);
      expect(stored.step).toBeLessThan(60);
      expect(existsSync(join(run.outDir, "checkpoints"))).toBe(true);
      expect((await again.api.resumeRun({ runId: run.id })).status).toBe("queued");
      await again.api.cancelRun({ runId: run.id });
    } finally {
      await again.dispose();
      await g.close();
    }
  }, 240_000);
});
