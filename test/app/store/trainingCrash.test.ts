import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listAdapters } from "../../../electron/app/store/adapters";
import { markInterruptedRuns } from "../../../electron/app/store/markInterruptedRuns";
import { openStore } from "../../../electron/app/store/openStore";
import { createProject } from "../../../electron/app/store/projects";
import { getRun, listAttempts, listMetrics } from "../../../electron/app/store/runs";
import { trackTrainingRun } from "../../../electron/app/store/runsFromRecords";
import { loadRunForResume, prepareTrainingRun } from "../../../electron/app/training/trainRun";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { tinyTrainingFixture } from "../../helpers/tinyTrainingFixture";

const { dir, model, data } = tinyTrainingFixture("store-train-crash-");

describe("a training worker killed part-way", () => {
  it("shows as interrupted in the store and resumes from its last checkpoint to finished", async () => {
    const db = openStore(join(dir, "studio.db"));
    const project = createProject(db, { name: "crash" });
    const config = TrainConfigSchema.parse({ lr: 3e-3, maxSteps: 10, batchSize: 2, gradAccum: 1, seqLen: 96, checkpointEvery: 2, evalEvery: 5, seed: 5, lora: { rank: 4, alpha: 8 } });
    const out = join(dir, "run");
    const record = await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: out, config });

    let killedPid = 0;
    const first = trackTrainingRun(db, record, (e) => {
      if (e.type === "step" && e.step === 5 && !killedPid) {
        killedPid = first.process.pid;
        process.kill(killedPid, "SIGKILL");
      }
    }, { projectId: project.id });
    expect(getRun(db, first.runId)).toMatchObject({ status: "running", workerPid: first.process.pid, projectId: project.id });
    await first.finished; // the worker is gone; this process has not yet synced the store
    // As if the app had died with its worker: the store still says running, and the start-up sweep finds the dead pid.
    expect(getRun(db, first.runId).status).toBe("running");
    expect(markInterruptedRuns(db).map((r) => r.id)).toEqual([first.runId]);
    expect(getRun(db, first.runId)).toMatchObject({ status: "interrupted", error: { resumable: true } });
    await first.finishedRun; // the sync from run.json agrees
    expect(getRun(db, first.runId).status).toBe("interrupted");
    expect(listMetrics(db, first.runId).filter((m) => m.loss !== null).length).toBeGreaterThanOrEqual(5);

    const second = trackTrainingRun(db, await loadRunForResume(out));
    expect(second.runId).toBe(first.runId);
    const final = await second.finishedRun;
    expect(final).toMatchObject({ status: "finished", step: 10, totalSteps: 10, backend: "wasm", error: null, workerPid: null });
    expect(listAttempts(db, final.id).map((a) => a.status)).toEqual(["interrupted", "finished"]);
    expect(listAttempts(db, final.id)[1]!.fromStep).toBeGreaterThanOrEqual(4);
    const metrics = listMetrics(db, final.id);
    expect(metrics.filter((m) => m.loss !== null).map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(metrics.filter((m) => m.valLoss !== null).length).toBeGreaterThanOrEqual(2);
    const [adapter] = listAdapters(db, { runId: final.id });
    expect(adapter?.projectId).toBe(project.id);
    expect(adapter?.files.map((f) => f.format).sort()).toEqual(["gguf-lora", "gguf-lora-last"]);
    expect(adapter?.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    db.close();
  });
});
