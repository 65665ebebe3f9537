import type { MetricPoint } from "../../contract/dto";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import { join } from "node:path";
import { writeJsonAtomic } from "../../engine/training/runTrainingJob";
import type { RunProjectFile } from "../store/importRunFolders";
import type { Db } from "../store/openStore";
import { datasetFileNames } from "../store/datasetFileNames";
import { nowIso } from "../store/rows";
import { addMetrics, getRun, updateRun } from "../store/runs";
import { meanAdapterNorm, metricRows, syncRunRecord, type RunLinks } from "../store/runsFromRecords";
import type { RunRecord } from "./RunRecord";
import { lockRunFolder, type RunFolderLock } from "./lockRunFolder";
import { storedRecord, type RunHandle, type StartWorker } from "./trainRun";
import { trainWithStepDown } from "./trainWithStepDown";

/** What the supervisor knows of the run it is training that the store does not (it is in memory only). */
export interface LiveRun {
  runId: string;
  status: "queued" | "running" | "paused";
  etaSeconds: number | null;
}

export interface SupervisorHooks {
  /** Called on every training event and state change, with the metric point the event carried (if any). */
  onProgress(runId: string, point: MetricPoint | null, final: boolean): void;
  startWorker?: StartWorker;
}

interface Active extends LiveRun {
  handle: RunHandle | null;
  /** Cancel asked for before the worker started (while the data was being prepared). */
  cancelled: boolean;
  /** The app is closing: a cancelled run is recorded as interrupted (resumable), not as cancelled by the user. */
  closing: boolean;
  done: Promise<void>;
}

const CLOSE_WAIT_MS = 60_000;

/**
 * Trains one run at a time in a worker process (Note: one, because a run takes most of the memory and cores this
 * machine has) and keeps the store in step with it: metrics as steps happen, run.json synced when the worker
 * ends, pause (checkpoint, the worker waits; the store says "paused"), resume, cancel (checkpoint, the worker ends).
 * On close, the running run is checkpointed and left interrupted, and a paused one stays paused (the store and
 * run.json say so), so that either resumes from its checkpoint at the next start.
 */
export class RunSupervisor {
  private active: Active | null = null;

  constructor(
    private readonly db: Db,
    private readonly hooks: SupervisorHooks,
  ) {}

  live(runId: string): LiveRun | null {
    return this.active?.runId === runId ? { runId, status: this.active.status, etaSeconds: this.active.etaSeconds } : null;
  }

  /** The run training now (queued, running or paused), if any. */
  get current(): LiveRun | null {
    return this.active ? this.live(this.active.runId) : null;
  }

  /**
   * Trains a recorded run: `prepare` makes (or loads, to resume) its run record; then the worker runs, stepping
   * the settings down when it runs out of memory. Failures become the run's state, never a lost exception.
   */
  start(runId: string, links: RunLinks, prepare: () => Promise<RunRecord>): void {
    const active: Active = { runId, status: "queued", etaSeconds: null, handle: null, cancelled: false, closing: false, done: Promise.resolve() };
    this.active = active;
    active.done = this.train(active, links, prepare).finally(() => {
      if (this.active === active) this.active = null;
      this.hooks.onProgress(runId, null, true);
    });
  }

  pause(runId: string): boolean {
    const a = this.active;
    if (a?.runId !== runId || a.status !== "running" || !a.handle) return false;
    a.handle.process.pause();
    a.status = "paused";
    this.hooks.onProgress(runId, null, false);
    return true;
  }

  resume(runId: string): boolean {
    const a = this.active;
    if (a?.runId !== runId || a.status !== "paused" || !a.handle) return false;
    a.handle.process.resume();
    a.status = "running";
    this.hooks.onProgress(runId, null, false);
    return true;
  }

  cancel(runId: string): boolean {
    const a = this.active;
    if (a?.runId !== runId) return false;
    a.cancelled = true;
    a.handle?.process.cancel();
    return true;
  }

  /** Checkpoints and stops the run in training (waiting up to a minute for its checkpoint). */
  async dispose(): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.closing = true;
    a.cancelled = true;
    a.handle?.process.cancel();
    await Promise.race([a.done, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
  }

  private async train(a: Active, links: RunLinks, prepare: () => Promise<RunRecord>): Promise<void> {
    let lock: RunFolderLock;
    try {
      lock = await lockRunFolder(getRun(this.db, a.runId).outDir);
    } catch (error) {
      // Another process (a `lora-studio train` in a terminal) is training into this folder: leave the run to it.
      const e = error as Error;
      updateRun(this.db, a.runId, { status: "interrupted", workerPid: null, error: { code: e.name || "Error", message: e.message.split("\n")[0]!, resumable: true }, endedAt: nowIso() });
      return;
    }
    try {
      await this.writeProjectFile(getRun(this.db, a.runId).outDir, links);
      await this.trainLocked(a, links, prepare);
    } finally {
      lock.release();
    }
  }

  /** DIR/project.json: the run's project and dataset, so the folder alone can rebuild them (importRunFolders). */
  private async writeProjectFile(outDir: string, links: RunLinks): Promise<void> {
    if (!links.projectId) return;
    const p = this.db.prepare("SELECT id, name, domain, language FROM projects WHERE id = ?").get(links.projectId) as RunProjectFile["project"] | undefined;
    if (!p) return;
    const d = links.datasetId ? (this.db.prepare("SELECT id, name, files_json FROM datasets WHERE id = ?").get(links.datasetId) as { id: string; name: string; files_json: string } | undefined) : undefined;
    const file: RunProjectFile = { version: 1, project: p, dataset: d ? { id: d.id, name: d.name, files: datasetFileNames(d.files_json) } : null };
    // Best effort: the run trains without it (a full disk then stops it at its first write of run.json).
    await writeJsonAtomic(join(outDir, "project.json"), file).catch(() => {});
  }

  private async trainLocked(a: Active, links: RunLinks, prepare: () => Promise<RunRecord>): Promise<void> {
    const { db } = this;
    let record: RunRecord;
    try {
      record = await prepare();
    } catch (error) {
      const e = error as Error;
      updateRun(db, a.runId, { status: "failed", error: { code: e.name || "Error", message: e.message.split("\n")[0]!, resumable: false }, endedAt: nowIso() });
      return;
    }
    if (a.cancelled) {
      updateRun(db, a.runId, { status: a.closing ? "interrupted" : "cancelled", endedAt: nowIso() });
      return;
    }
    let final: RunRecord;
    try {
      final = await trainWithStepDown(record, (e) => this.onEvent(a, e), {
        onStart: (handle) => {
          a.handle = handle;
          a.status = "running";
          const run = getRun(db, a.runId);
          updateRun(db, a.runId, { status: "running", workerPid: handle.process.pid, startedAt: run.startedAt ?? nowIso(), endedAt: null, error: null });
          if (a.cancelled) handle.process.cancel();
          this.hooks.onProgress(a.runId, null, false);
        },
        ...(this.hooks.startWorker ? { startWorker: this.hooks.startWorker } : {}),
      });
    } catch (error) {
      const e = error as Error;
      updateRun(db, a.runId, { status: "failed", workerPid: null, error: { code: e.name || "Error", message: e.message.split("\n")[0]!, resumable: true }, endedAt: nowIso() });
      return;
    }
    try {
      // A paused run whose worker was ended by the app closing, or by a Ctrl-C or SIGTERM that reached it too,
      // stays paused (not cancelled, not interrupted); one the user cancelled while paused is cancelled.
      const stoppedWhilePaused = final.status === "cancelled" || (final.status === "interrupted" && final.error?.code === "Stopped");
      if (a.status === "paused" && stoppedWhilePaused && (a.closing || !a.cancelled)) await keepPaused(final);
      await syncRunRecord(db, record.job.outDir, links);
    } catch (error) {
      // The store could not take the run's end (a full disk under the database): the run folder has it all, and the
      // next start (or `lora-studio projects import`) reads it back; the app keeps running.
      const e = error as Error;
      try {
        updateRun(db, a.runId, { status: "interrupted", workerPid: null, error: { code: e.name || "Error", message: `the run ended but its record could not be saved (${e.message.split("\n")[0]}); free some disk space and restart the app`, resumable: true }, endedAt: nowIso() });
      } catch {
        // nothing more can be written now
      }
      return;
    }
    if (a.closing && getRun(db, a.runId).status === "cancelled") {
      updateRun(db, a.runId, {
        status: "interrupted",
        error: { code: "AppClosed", message: "LoRA Studio was closed during training; a checkpoint was saved, so resume continues where it stopped", resumable: true },
      });
    }
  }

  /**
   * A store write that fails here (a full disk under the database) must not throw into the worker's message
   * handler and end the app: the event still reaches the screen, and the store catches up from metrics.jsonl
   * and run.json when the run ends (syncRunRecord).
   */
  private onEvent(a: Active, e: TrainingEvent): void {
    try {
      this.storeEvent(a, e);
    } catch {
      this.hooks.onProgress(a.runId, null, false);
    }
  }

  private storeEvent(a: Active, e: TrainingEvent): void {
    const { db } = this;
    let point: MetricPoint | null = null;
    switch (e.type) {
      case "started":
        updateRun(db, a.runId, { totalSteps: e.totalSteps, backend: e.backend });
        break;
      case "step":
        addMetrics(db, a.runId, metricRows([e]));
        updateRun(db, a.runId, { step: e.step, totalSteps: e.totalSteps });
        a.etaSeconds = Math.round(e.etaSeconds);
        point = {
          step: e.step,
          epoch: e.epoch,
          loss: e.loss,
          valLoss: null,
          lr: e.lr,
          gradNorm: e.gradNorm,
          tokensPerSecond: e.tokensPerSecond,
          peakRssMb: e.peakRssMb,
          adapterNorm: meanAdapterNorm(e.norms),
        };
        break;
      case "eval":
        addMetrics(db, a.runId, metricRows([e]));
        point = { step: e.step, epoch: null, loss: null, valLoss: e.valLoss, lr: null, gradNorm: null, tokensPerSecond: null, peakRssMb: null, adapterNorm: null };
        break;
      case "paused":
        // The checkpoint is saved: from here a restart finds the run paused, not interrupted.
        a.status = "paused";
        updateRun(db, a.runId, { status: "paused", step: e.step });
        break;
      case "resumed":
        a.status = "running";
        updateRun(db, a.runId, { status: "running" });
        break;
      case "checkpoint":
      case "finished":
      case "failed":
        break;
      default:
        e satisfies never;
    }
    this.hooks.onProgress(a.runId, point, false);
  }
}

/**
 * run.json of a paused run whose worker the closing app ended (it checkpointed, then stopped as if cancelled): it
 * says "paused", and so does the store once synced from it, so the next start offers Resume, not a cancelled run.
 */
async function keepPaused(final: RunRecord): Promise<void> {
  const endedAt = new Date().toISOString();
  const attempts = final.attempts.map((t, i) => (i === final.attempts.length - 1 ? { ...t, status: "paused" as const, endedAt: t.endedAt ?? endedAt, cause: "paused; LoRA Studio was closed" } : t));
  const record: RunRecord = { ...final, status: "paused", attempts, updatedAt: endedAt };
  delete record.result;
  delete record.error;
  await writeJsonAtomic(join(final.job.outDir, "run.json"), storedRecord(record));
}
