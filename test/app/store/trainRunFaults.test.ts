/**
 * How the parent records a worker's end: a full disk, a stop by signal, a kill from outside (not "out of memory"
 * unless the system says so), resumable only with a checkpoint, an open attempt closed on resume, and a moved
 * run folder resumed in place.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deathCause } from "../../../electron/app/training/relayTrainingProcess";
import { hintFor } from "../../../electron/app/api/runViews";
import type { TrainingProcess, TrainingProcessResult } from "../../../electron/app/training/forkTrainingWorker";
import type { RunRecord } from "../../../electron/app/training/RunRecord";
import { loadRunForResume, startTrainingRun } from "../../../electron/app/training/trainRun";
import { markInterruptedRuns } from "../../../electron/app/store/markInterruptedRuns";
import { openStore } from "../../../electron/app/store/openStore";
import { getRun, recordRun, updateRun } from "../../../electron/app/store/runs";
import { syncRunRecord } from "../../../electron/app/store/runsFromRecords";
import { writeJsonAtomic } from "../../../electron/engine/training/runTrainingJob";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";

const dir = mkdtempSync(join(tmpdir(), "train-run-faults-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runFolder(name: string, withCheckpoint: boolean): RunRecord {
  const out = join(dir, name);
  mkdirSync(join(out, "data"), { recursive: true });
  if (withCheckpoint) mkdirSync(join(out, "checkpoints", "step-0000004"), { recursive: true });
  const record: RunRecord = {
    version: 1,
    status: "running",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    baseModel: { path: "/models/m.gguf", sha256: "a".repeat(64), architecture: "llama", parameters: 1 },
    data: { files: [], sha256: "b".repeat(64), trainExamples: 1, validationExamples: 0, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" },
    job: { modelPath: "/models/m.gguf", trainPath: join(out, "data", "train.jsonl"), validationPath: null, outDir: out, config: TrainConfigSchema.parse({}), resume: false },
    attempts: [],
  };
  writeFileSync(join(out, "run.json"), JSON.stringify(record));
  return record;
}

/** A worker that ends as told, once cancelled or at once. */
function fakeWorker(result: TrainingProcessResult, waitForCancel = false): { start: () => TrainingProcess; cancelled: () => boolean } {
  let cancelled = false;
  let finish: (r: TrainingProcessResult) => void;
  const done = new Promise<TrainingProcessResult>((r) => (finish = r));
  if (!waitForCancel) setTimeout(() => finish(result), 5);
  return {
    cancelled: () => cancelled,
    start: () => ({ pid: 4242, pause() {}, resume() {}, cancel: () => ((cancelled = true), finish(result)), done }),
  };
}

const outcome = { reason: "cancelled" as const, adapterPath: "", lastAdapterPath: "", step: 7, finalLoss: 1, bestValLoss: null, bestStep: null, trainableParameters: 1, trainablePercent: 1, backend: "wasm", trainingSeconds: 1 };

describe("startTrainingRun records how the worker ended", () => {
  it("a full disk reported by the worker: interrupted with the reason and the resume hint", async () => {
    const record = runFolder("disk", true);
    const worker = fakeWorker({ status: "failed", error: { code: "DiskFull", message: "no space left to write /x/metrics.jsonl (ENOSPC); free some disk space, then continue with `lora-studio train --resume /x`" } });
    const final = await startTrainingRun(record, () => {}, worker.start).finished;
    expect(final).toMatchObject({ status: "interrupted", error: { code: "DiskFull", resumable: true } });
    expect(final.attempts[0]).toMatchObject({ status: "interrupted", cause: expect.stringContaining("ENOSPC") });
  });

  it("run.json cannot be written (full disk): the worker is stopped, no temp file is left, the store reads it as interrupted", async () => {
    const record = runFolder("runjson", false);
    const worker = fakeWorker({ status: "finished", outcome }, true);
    const failingWrite = (path: string, value: unknown) =>
      writeJsonAtomic(path, value, async (p, text) => {
        writeFileSync(p, text.slice(0, 3));
        throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
      });
    const final = await startTrainingRun(record, () => {}, worker.start, failingWrite).finished;
    expect(worker.cancelled()).toBe(true);
    expect(final).toMatchObject({ status: "interrupted", error: { code: "DiskFull", resumable: false, message: expect.stringContaining(`no space left to write ${join(record.job.outDir, "run.json")} (ENOSPC)`) } });
    expect(readdirSync(record.job.outDir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    // run.json still says "running" (nothing could be written); with no live process holding the folder, readers say interrupted.
    expect(JSON.parse(readFileSync(join(record.job.outDir, "run.json"), "utf8")).status).toBe("running");
    const db = openStore(join(dir, "runjson.db"));
    const run = await syncRunRecord(db, record.job.outDir);
    expect(run).toMatchObject({ status: "interrupted", error: { resumable: false, message: expect.stringContaining("no checkpoint was saved yet, so resuming starts it again from the beginning") } });
    db.close();
  });

  it("a worker that checkpointed on SIGTERM: interrupted, resumable, with the signal as the attempt's cause", async () => {
    const record = runFolder("sigterm", true);
    const final = await startTrainingRun(record, () => {}, fakeWorker({ status: "finished", outcome: { ...outcome, stoppedBy: "SIGTERM" } }).start).finished;
    expect(final).toMatchObject({ status: "interrupted", error: { code: "Stopped", resumable: true, message: `stopped by SIGTERM at step 7, after saving a checkpoint; continue with \`lora-studio train --resume ${record.job.outDir}\`` } });
    expect(final.attempts[0]).toMatchObject({ status: "interrupted", cause: "stopped by SIGTERM" });
  });

  it("a worker killed from outside is not reported as out of memory, and without a checkpoint is not called resumable", async () => {
    const record = runFolder("killed", false);
    const final = await startTrainingRun(record, () => {}, fakeWorker({ status: "died", exitCode: null, signal: "SIGKILL", cause: deathCause(null, "SIGKILL", 3, 3) }).start).finished;
    expect(final.error).toEqual({
      code: "WorkerKilled",
      message: `the training process was killed (SIGKILL) by a user or another program; no checkpoint was saved yet, so \`lora-studio train --resume ${record.job.outDir}\` starts it again from the beginning`,
      resumable: false,
    });
    expect(final.error!.message).not.toMatch(/memory/);
    // The app's hint: restart from the beginning, not "the computer ran out of memory".
    expect(hintFor(final.error!).en).toBe("Training stopped before its first checkpoint: Resume starts it again from the beginning.");
    const unsure = { code: "WorkerKilled", message: deathCause(null, "SIGKILL"), resumable: true };
    expect(hintFor(unsure).en).toBe("A checkpoint was saved: press Resume to continue from it.");
    expect(hintFor({ code: "OutOfMemory", message: deathCause(null, "SIGKILL", 1, 2), resumable: true }).en).toMatch(/ran out of memory/);
    expect(hintFor({ code: "DiskFull", message: "no space left", resumable: true }).en).toMatch(/^The disk is full/);
    expect(deathCause(null, "SIGKILL", 3, 4)).toMatch(/ran out of memory/);
    expect(deathCause(null, "SIGTERM")).not.toMatch(/memory/);
  });
});

describe("resuming", () => {
  it("closes an attempt left open by a kill -9 of both processes, and restarts from the beginning without a checkpoint", async () => {
    const record = runFolder("open-attempt", false);
    writeFileSync(join(record.job.outDir, "run.json"), JSON.stringify({ ...record, updatedAt: "2026-01-01T01:00:00.000Z", attempts: [{ startedAt: "2026-01-01T00:00:00.000Z", fromStep: null }] }));
    const resumed = await loadRunForResume(record.job.outDir);
    expect(resumed.job.resume).toBe(false);
    expect(resumed.attempts[0]).toMatchObject({ status: "interrupted", endedAt: "2026-01-01T01:00:00.000Z", cause: expect.stringContaining("ended without reporting") });
  });

  it("a copied run folder resumes in place, not into the folder it was first trained in", async () => {
    const record = runFolder("original", true);
    const copy = join(dir, "moved", "copy");
    cpSync(record.job.outDir, copy, { recursive: true });
    const resumed = await loadRunForResume(copy);
    expect(resumed.job).toMatchObject({ outDir: copy, trainPath: join(copy, "data", "train.jsonl"), modelPath: "/models/m.gguf", resume: true });
    // Relative paths (as a record may store them) resolve against the folder too.
    writeFileSync(join(copy, "run.json"), JSON.stringify({ ...record, job: { ...record.job, outDir: ".", trainPath: "data/train.jsonl" } }));
    expect((await loadRunForResume(copy)).job).toMatchObject({ outDir: copy, trainPath: join(copy, "data", "train.jsonl") });
  });
});

describe("markInterruptedRuns", () => {
  it("says resumable only where a checkpoint exists, and does not blame memory", () => {
    const db = openStore(join(dir, "mark.db"));
    const withCkpt = runFolder("mark-ckpt", true);
    const without = runFolder("mark-none", false);
    const config = TrainConfigSchema.parse({});
    const a = recordRun(db, { outDir: withCkpt.job.outDir, config, status: "running", modelSha256: "a", dataSha256: "b" });
    const b = recordRun(db, { outDir: without.job.outDir, config, status: "running", modelSha256: "a", dataSha256: "b" });
    updateRun(db, a.id, { workerPid: 999_999_999 });
    updateRun(db, b.id, { workerPid: 999_999_999 });
    markInterruptedRuns(db);
    expect(getRun(db, a.id).error).toMatchObject({ resumable: true, message: expect.stringContaining("continue with") });
    expect(getRun(db, b.id).error).toMatchObject({ resumable: false, message: expect.stringContaining("starts it again from the beginning") });
    for (const id of [a.id, b.id]) expect(getRun(db, id).error!.message).not.toMatch(/memory/);
    expect(existsSync(join(dir, "mark.db"))).toBe(true);
    db.close();
  });
});
