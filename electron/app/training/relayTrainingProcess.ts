import { readFileSync } from "node:fs";
import type { TrainJob, TrainWorkerCommand, TrainWorkerMessage } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import type { TrainingProcess, TrainingProcessResult } from "./forkTrainingWorker";

/** The little a parent needs from a worker process, whichever API started it (child_process.fork, utilityProcess). */
export interface WorkerPort {
  readonly pid: number | undefined;
  send(command: TrainWorkerCommand): void;
  onMessage(handler: (message: TrainWorkerMessage) => void): void;
  /**
   * Called once, when the process has ended (signal when the platform reports one). `cause`, where the platform
   * knows it (a trainer window's render-process-gone reason), replaces the cause read from the exit code.
   */
  onExit(handler: (exitCode: number | null, signal: NodeJS.Signals | null, cause?: string) => void): void;
  /** Called when the process could not be started (where the platform reports that apart from its exit). */
  onError?(handler: (error: Error) => void): void;
}

/**
 * The parent's half of the training worker's protocol (trainWorker.ts): start the job once the worker says
 * ready, relay its events, and turn how it ended into a TrainingProcessResult. Kept free of Electron so it is
 * tested in plain Node; forkTrainingWorker (child_process) and the app's utilityTrainingWorker both use it.
 */
export function relayTrainingProcess(port: WorkerPort, job: TrainJob, onEvent: (e: TrainingEvent) => void): TrainingProcess {
  let reported: TrainingProcessResult | undefined;
  let exited = false;
  const oomBefore = oomKillCount();
  const send = (command: TrainWorkerCommand) => {
    if (!exited) port.send(command);
  };
  const done = new Promise<TrainingProcessResult>((resolve) => {
    port.onMessage((message) => {
      switch (message.type) {
        case "ready":
          return send({ type: "start", job });
        case "event":
          return onEvent(message.event);
        case "done":
          reported = { status: "finished", outcome: message.outcome };
          return;
        case "error":
          reported = { status: "failed", error: message.error };
          return;
        default:
          return message satisfies never;
      }
    });
    port.onExit((exitCode, signal, cause) => {
      exited = true;
      resolve(reported ?? { status: "died", exitCode, signal, cause: cause ?? deathCause(exitCode, signal, oomBefore, oomKillCount()) });
    });
    port.onError?.((error) => {
      exited = true;
      resolve({ status: "failed", error: { code: error.name, message: error.message } });
    });
  });
  return {
    // Read late: a utilityProcess has no pid until it has spawned.
    get pid() {
      return port.pid ?? -1;
    },
    pause: () => send({ type: "pause" }),
    resume: () => send({ type: "resume" }),
    cancel: () => send({ type: "cancel" }),
    done,
  };
}

/**
 * The system's count of processes its out-of-memory killer has ended (Linux: /proc/vmstat oom_kill), or null
 * where it cannot be read. A SIGKILL while it went up was the OOM killer; while it did not, someone else.
 */
export function oomKillCount(path = "/proc/vmstat"): number | null {
  try {
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(path, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Why a worker ended without reporting, in words that do not guess: "out of memory" only where the system says
 * so (its OOM-kill count went up, or the exit codes of an abort for memory); a kill by a user or another program
 * says that.
 */
export function deathCause(exitCode: number | null, signal: NodeJS.Signals | null, oomBefore: number | null = null, oomAfter: number | null = null): string {
  const oomSeen = oomBefore !== null && oomAfter !== null && oomAfter > oomBefore;
  if (signal === "SIGKILL") {
    if (oomSeen) return "the training process ran out of memory (the system's out-of-memory killer ended it)";
    if (oomBefore !== null && oomAfter !== null) return "the training process was killed (SIGKILL) by a user or another program";
    return "the training process was killed (SIGKILL), by a user, another program or the system running out of memory";
  }
  if (signal === "SIGINT" || signal === "SIGTERM") return `the training process was stopped from outside (${signal}) before it could save a checkpoint`;
  if (signal) return `the training process was stopped by signal ${signal}`;
  if (exitCode === 134) return `the training process ran out of memory (exit code ${exitCode})`;
  if (exitCode === 137) return oomSeen ? "the training process ran out of memory (the system's out-of-memory killer ended it)" : "the training process was killed (exit code 137)";
  if (exitCode === 130 || exitCode === 143) return `the training process was stopped from outside (exit code ${exitCode}) before it could save a checkpoint`;
  return `the training process ended unexpectedly with exit code ${exitCode}`;
}
