/**
 * `lora-studio web` stopped with Ctrl-C: the terminal's SIGINT reaches the training worker as well as the server,
 * which then closes its RunSupervisor. The worker checkpoints the step it is on; the run is interrupted and
 * resumable, and resuming continues from that step (not "no checkpoint to resume from").
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../../electron/app/store/openStore";
import { getRun, listAttempts, listMetrics, recordRun } from "../../../electron/app/store/runs";
import { RunSupervisor } from "../../../electron/app/training/RunSupervisor";
import { loadRunForResume, prepareTrainingRun } from "../../../electron/app/training/trainRun";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { tinyTrainingFixture } from "../../helpers/tinyTrainingFixture";

const { dir, model, data } = tinyTrainingFixture("supervisor-interrupt-");

describe("the app's RunSupervisor when the worker gets the terminal's SIGINT", () => {
  it("leaves the run interrupted with a checkpoint of the step it stopped at, and resumes from it", async () => {
    const db = openStore(join(dir, "studio.db"));
    const config = TrainConfigSchema.parse({ maxSteps: 60, batchSize: 2, gradAccum: 1, seqLen: 96, checkpointEvery: 50, evalEvery: 1000, seed: 5, lora: { rank: 4, alpha: 8 } });
    const out = join(dir, "run");
    const run = recordRun(db, { outDir: out, config, status: "queued", modelSha256: "a", dataSha256: "b" });
    let signalled = false;
    let ended: () => void;
    const end = new Promise<void>((r) => (ended = r));
    const supervisor = new RunSupervisor(db, {
      onProgress(runId, point, final) {
        if (final) return ended();
        if (point?.step === 5 && !signalled) {
          signalled = true;
          process.kill(getRun(db, runId).workerPid!, "SIGINT"); // Ctrl-C reaches the worker...
          void supervisor.dispose(); // ...and the server, which closes its supervisor
        }
      },
    });
    supervisor.start(run.id, {}, () => prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: out, config, valSplit: 0 }));
    await end;
    const stopped = getRun(db, run.id);
    expect(stopped.status).toBe("interrupted");
    expect(stopped.error?.resumable).toBe(true);
    const checkpoints = readdirSync(join(out, "checkpoints")).filter((n) => n.startsWith("step-"));
    const at = Number(checkpoints.at(-1)!.slice(5));
    expect(at).toBeGreaterThanOrEqual(5);
    expect(at).toBeLessThan(50); // not an interval checkpoint: the one saved on the signal
    expect(stopped.step).toBe(at);

    let resumedEnd: () => void;
    const resumed = new Promise<void>((r) => (resumedEnd = r));
    const again = new RunSupervisor(db, { onProgress: (_id, _p, final) => final && resumedEnd() });
    again.start(run.id, {}, () => loadRunForResume(out));
    await resumed;
    expect(getRun(db, run.id)).toMatchObject({ status: "finished", step: 60 });
    expect(listAttempts(db, run.id).map((a) => [a.status, a.fromStep])).toEqual([["interrupted", null], ["finished", at]]);
    expect(listMetrics(db, run.id).filter((m) => m.loss !== null).map((m) => m.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    db.close();
  }, 240_000);
});
