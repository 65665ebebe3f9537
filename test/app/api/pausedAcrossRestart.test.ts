/**
 * A paused run survives the app's restart as paused (not interrupted, not cancelled): the pause checkpointed it,
 * closing the app ended its worker, and after reopening, Resume continues it from that checkpoint to the end.
 * Also the store side: markInterruptedRuns leaves a paused run whose worker died paused where its checkpoint is.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createStudioApi } from "../../../electron/app/api/createStudioApi";
import { markInterruptedRuns } from "../../../electron/app/store/markInterruptedRuns";
import { openStore } from "../../../electron/app/store/openStore";
import { storePath } from "../../../electron/app/store/resolveHome";
import { getRun, listAttempts, recordRun, setAttempts } from "../../../electron/app/store/runs";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import { repoRoot } from "../../helpers/paths";
import { openStudio } from "./studioFixture";

const sample = join(repoRoot, "resources/samples/clinic-faq.jsonl");
const small = { seqLen: 192, batchSize: 1, gradAccum: 1, rank: 4, alpha: 8, evalEvery: 1000, checkpointEvery: 0, earlyStopPatience: 0 };
const scratch = mkdtempSync(join(tmpdir(), "paused-restart-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 180_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a paused run across an app restart", () => {
  it("is still paused after the app closes and reopens, and Resume continues it from its checkpoint to the end", async () => {
    const f = openStudio();
    f.studio.grants.grant(sample);
    const p = await f.call("createProject", { name: "Paused", domain: "other", language: "en" });
    const model = await f.call("useDemoModel", { architecture: "qwen2", preset: "tiny" });
    await f.call("updateProject", { projectId: p.id, modelId: model.id });
    await f.call("importDataset", { projectId: p.id, paths: [sample], validationShare: 0.2 });
    const run = await f.call("startRun", { projectId: p.id, overrides: { ...small, maxSteps: 30 } });
    await f.waitFor((e: StudioEvent): e is Extract<StudioEvent, { event: "training.progress" }> => e.event === "training.progress" && e.payload.runId === run.id && e.payload.run.step >= 2, 180_000);
    expect((await f.call("pauseRun", { runId: run.id })).status).toBe("paused");

    // The store says paused once the pause's checkpoint is saved (a second connection, as another process would see it).
    const peek = new Database(storePath(f.home), { readonly: true });
    const pausedAt = await until(() => {
      const r = peek.prepare("SELECT status, step FROM runs WHERE id = ?").get(run.id) as { status: string; step: number };
      return r.status === "paused" ? r.step : undefined;
    }, "the store to say paused");
    peek.close();
    expect(pausedAt).toBeGreaterThanOrEqual(2);
    expect(pausedAt).toBeLessThan(30);

    await f.studio.dispose(); // the app closes while the run is paused
    const record = JSON.parse(readFileSync(join(run.outDir, "run.json"), "utf8")) as { status: string; attempts: { status: string; cause: string }[] };
    expect(record.status).toBe("paused");
    expect(record.attempts.at(-1)).toMatchObject({ status: "paused", cause: expect.stringMatching(/paused/) });

    const again = createStudioApi({ home: f.home, door: "web", calibrate: false });
    try {
      const stored = await again.api.getRun({ runId: run.id });
      expect(stored.status).toBe("paused");
      expect(stored.step).toBe(pausedAt);
      expect(stored.error).toBeNull();
      expect((await again.api.listRuns({ projectId: p.id })).find((r) => r.id === run.id)?.status).toBe("paused");
      // Pausing again is a no-op, not an error; Resume restarts the worker from the pause's checkpoint.
      expect((await again.api.pauseRun({ runId: run.id })).status).toBe("paused");
      const ended = new Promise<void>((resolve) =>
        again.events.subscribe((e) => {
          if (e.event === "training.progress" && e.payload.runId === run.id && ["finished", "failed", "cancelled", "interrupted"].includes(e.payload.run.status)) resolve();
        }),
      );
      expect((await again.api.resumeRun({ runId: run.id })).status).toBe("queued");
      await ended;
      const done = await again.api.getRun({ runId: run.id });
      expect(done.status, JSON.stringify(done.error)).toBe("finished");
      expect(done.step).toBe(30);
      // Every step once: the resumed attempt started at the paused step, none trained twice or skipped.
      expect(done.metrics.filter((m) => m.loss !== null).map((m) => m.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const db = new Database(storePath(f.home), { readonly: true });
      const attempts = db.prepare("SELECT status, from_step FROM run_attempts WHERE run_id = ? ORDER BY attempt").all(run.id);
      db.close();
      expect(attempts).toEqual([
        { status: "paused", from_step: null },
        { status: "finished", from_step: pausedAt },
      ]);
    } finally {
      await again.dispose();
      await f.close();
    }
  }, 300_000);
});

describe("a paused run whose worker gets the terminal's Ctrl-C", () => {
  it("stays paused (not interrupted) and resumes from its checkpoint", async () => {
    const f = openStudio();
    f.studio.grants.grant(sample);
    try {
      const p = await f.call("createProject", { name: "Ctrl-C", domain: "other", language: "en" });
      const model = await f.call("useDemoModel", { architecture: "qwen2", preset: "tiny" });
      await f.call("updateProject", { projectId: p.id, modelId: model.id });
      await f.call("importDataset", { projectId: p.id, paths: [sample], validationShare: 0.2 });
      const run = await f.call("startRun", { projectId: p.id, overrides: { ...small, maxSteps: 20 } });
      await f.waitFor((e: StudioEvent): e is Extract<StudioEvent, { event: "training.progress" }> => e.event === "training.progress" && e.payload.runId === run.id && e.payload.run.step >= 2, 180_000);
      await f.call("pauseRun", { runId: run.id });
      const peek = new Database(storePath(f.home), { readonly: true });
      const read = () => peek.prepare("SELECT status, step, worker_pid FROM runs WHERE id = ?").get(run.id) as { status: string; step: number; worker_pid: number | null };
      const paused = await until(() => (read().status === "paused" ? read() : undefined), "the store to say paused");
      process.kill(paused.worker_pid!, "SIGINT"); // Ctrl-C in the terminal reaches the worker too
      await until(() => (read().worker_pid === null ? true : undefined), "the worker to end");
      expect(read()).toMatchObject({ status: "paused", step: paused.step });
      peek.close();
      const ended = new Promise<void>((resolve) =>
        f.studio.events.subscribe((e) => {
          if (e.event === "training.progress" && e.payload.runId === run.id && e.payload.run.status === "finished") resolve();
        }),
      );
      expect((await f.call("resumeRun", { runId: run.id })).status).toBe("queued");
      await ended;
      const done = await f.call("getRun", { runId: run.id });
      expect(done.metrics.filter((m) => m.loss !== null).map((m) => m.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await f.close();
    }
  }, 300_000);
});

describe("markInterruptedRuns and paused runs", () => {
  it("keeps a paused run whose worker is gone paused (checkpoint saved), and makes one without a checkpoint interrupted", () => {
    const db = openStore(join(scratch, "studio.db"));
    const withCheckpoint = join(scratch, "r1");
    mkdirSync(join(withCheckpoint, "checkpoints", "step-00000007"), { recursive: true });
    writeFileSync(join(withCheckpoint, "checkpoints", "step-00000007", "state.json"), "{}");
    const a = recordRun(db, { outDir: withCheckpoint, config: {}, status: "paused", workerPid: 999_999_999 });
    const b = recordRun(db, { outDir: join(scratch, "r2"), config: {}, status: "paused", workerPid: 999_999_998 });
    const c = recordRun(db, { outDir: join(scratch, "r3"), config: {}, status: "paused" }); // closed cleanly: no worker
    setAttempts(db, a.id, [{ startedAt: "2026-01-01T00:00:00.000Z", endedAt: null, fromStep: null, status: null, cause: null, change: null }]);
    markInterruptedRuns(db, () => false);
    expect(getRun(db, a.id)).toMatchObject({ status: "paused", workerPid: null, error: null });
    expect(listAttempts(db, a.id)[0]).toMatchObject({ status: "paused", cause: expect.stringMatching(/paused/) });
    expect(listAttempts(db, a.id)[0]!.endedAt).not.toBeNull();
    expect(getRun(db, b.id)).toMatchObject({ status: "interrupted", workerPid: null, error: { code: "WorkerDied", resumable: false } });
    expect(getRun(db, c.id).status).toBe("paused");
    db.close();
  });
});
