import type { TrainJob, TrainWorkerCommand, TrainWorkerMessage } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import type { TrainingProcess, TrainingProcessResult } from "./forkTrainingWorker";

/** The little a parent needs from a worker process, whichever API started it (child_process.fork, utilityProcess). */
export interface WorkerPort {
  readonly pid: number | undefined;
  send(command: TrainWorkerCommand): void;
  onMessage(handler: (message: TrainWorkerMessage) => void): void;
  /** Called once, when the process has ended (signal when the platform reports one). */
  onExit(handler: (exitCode: number | null, signal: NodeJS.Signals | null) => void): void;
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
    port.onExit((exitCode, signal) => {
      exited = true;
      resolve(reported ?? { status: "died", exitCode, signal, cause: deathCause(exitCode, signal) });
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

function deathCause(exitCode: number | null, signal: NodeJS.Signals | null): string {
  if (signal === "SIGKILL") return "the training process was killed (SIGKILL), most often by the system running out of memory";
  if (signal) return `the training process was stopped by signal ${signal}`;
  if (exitCode === 134 || exitCode === 137) return `the training process ran out of memory (exit code ${exitCode})`;
  return `the training process ended unexpectedly with exit code ${exitCode}`;
}
