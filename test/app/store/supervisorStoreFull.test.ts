/** A full disk under the database while a run trains: the app's RunSupervisor neither throws nor leaves a promise rejected. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TrainingProcess, TrainingProcessResult } from "../../../electron/app/training/forkTrainingWorker";
import type { RunRecord } from "../../../electron/app/training/RunRecord";
import { RunSupervisor } from "../../../electron/app/training/RunSupervisor";
import { openStore } from "../../../electron/app/store/openStore";
import { getRun, recordRun } from "../../../electron/app/store/runs";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import type { TrainingEvent } from "../../../electron/engine/training/trainingEvents";

const dir = mkdtempSync(join(tmpdir(), "supervisor-store-full-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("RunSupervisor with a database that cannot be written", () => {
  it("keeps going on metrics it cannot store and records the end once it can", async () => {
    const db = openStore(join(dir, "studio.db"));
    const out = join(dir, "run");
    mkdirSync(out, { recursive: true });
    const config = TrainConfigSchema.parse({});
    const run = recordRun(db, { outDir: out, config, status: "queued", modelSha256: "a", dataSha256: "b" });
    const record: RunRecord = {
      version: 1, status: "running", createdAt: "t", updatedAt: "t",
      baseModel: { path: "/m.gguf", sha256: "a", architecture: "llama", parameters: 1 },
      data: { files: [], sha256: "b", trainExamples: 1, validationExamples: 0, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" },
      job: { modelPath: "/m.gguf", trainPath: join(out, "t.jsonl"), validationPath: null, outDir: out, config, resume: false },
      attempts: [],
    };
    writeFileSync(join(out, "run.json"), JSON.stringify(record));
    // Every write to run_metrics fails as SQLite does on a full disk.
    const prepare = db.prepare.bind(db);
    let full = true;
    (db as { prepare: typeof db.prepare }).prepare = ((sql: string) => {
      if (full && /INSERT INTO run_metrics/.test(sql)) throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
      return prepare(sql);
    }) as typeof db.prepare;
    const step: TrainingEvent = { type: "step", step: 1, totalSteps: 1, epoch: 1, loss: 1, lr: 1e-4, gradNorm: 1, tokensPerSecond: 1, etaSeconds: 0, elapsedSeconds: 1, peakRssMb: 1, truncated: 0, norms: [] };
    const result: TrainingProcessResult = { status: "died", exitCode: null, signal: "SIGKILL", cause: "killed" };
    const startWorker = (_job: unknown, onEvent: (e: TrainingEvent) => void): TrainingProcess => {
      const done = new Promise<TrainingProcessResult>((r) => setTimeout(() => (onEvent(step), r(result)), 20));
      return { pid: 1, pause() {}, resume() {}, cancel() {}, done };
    };
    let ended: () => void;
    const end = new Promise<void>((r) => (ended = r));
    const supervisor = new RunSupervisor(db, { onProgress: (_id, _p, final) => final && ended(), startWorker });
    supervisor.start(run.id, {}, async () => record);
    await end;
    expect(getRun(db, run.id)).toMatchObject({ status: "interrupted", error: { message: expect.stringContaining("could not be saved (database or disk is full)") } });
    full = false;
    db.close();
  });
});
