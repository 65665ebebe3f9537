import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TrainingOutcome } from "../../engine/training/runTrainingJob";
import type { TrainJob, TrainWorkerCommand, TrainWorkerMessage } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";

export type TrainingProcessResult =
  | { status: "finished"; outcome: TrainingOutcome }
  | { status: "failed"; error: { code: string; message: string } }
  /** The process ended without reporting: killed (often for memory) or crashed. The run is resumable. */
  | { status: "died"; exitCode: number | null; signal: NodeJS.Signals | null; cause: string };

export interface TrainingProcess {
  readonly pid: number;
  pause(): void;
  resume(): void;
  cancel(): void;
  readonly done: Promise<TrainingProcessResult>;
}

const WORKER = fileURLToPath(new URL("../../worker/trainWorker.ts", import.meta.url));

/**
 * Starts the training worker as a forked Node process (the CLI's and the tests' way; the Electron app
 * starts the same script as a utilityProcess) and relays its events.
 */
export function forkTrainingWorker(job: TrainJob, onEvent: (e: TrainingEvent) => void): TrainingProcess {
  const child = fork(WORKER, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const send = (command: TrainWorkerCommand) => {
    if (child.connected) child.send(command);
  };
  let reported: TrainingProcessResult | undefined;
  const done = new Promise<TrainingProcessResult>((resolve) => {
    child.on("message", (raw) => {
      const message = raw as TrainWorkerMessage;
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
    child.on("exit", (exitCode, signal) => resolve(reported ?? { status: "died", exitCode, signal, cause: deathCause(exitCode, signal) }));
    child.on("error", (error) => resolve({ status: "failed", error: { code: error.name, message: error.message } }));
  });
  return {
    pid: child.pid ?? -1,
    pause: () => send({ type: "pause" }),
    resume: () => send({ type: "resume" }),
    cancel: () => send({ type: "cancel" }),
    done,
  };
}

function deathCause(exitCode: number | null, signal: NodeJS.Signals | null): string {
  if (signal === "SIGKILL") return "the training process was killed (SIGKILL), most often by the system running out of memory";
  if (signal) return `the training process was stopped by signal ${signal}`;
  if (exitCode === 134 || exitCode === 137) return `the training process ran out of memory (exit code ${exitCode})`;
  return `the training process ended unexpectedly with exit code ${exitCode}`;
}
