import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TrainingOutcome } from "../../engine/training/runTrainingJob";
import type { TrainJob, TrainWorkerMessage } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import { threadBudget, trainingStarted } from "../hardware/threadBudget";
import { relayTrainingProcess } from "./relayTrainingProcess";

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
  // The trainer's matmul threads come from the app's budget (counting this run), read by native-deps' MLAS matmul.
  const release = trainingStarted();
  const env = { ...process.env, LORA_STUDIO_TRAIN_THREADS: process.env.LORA_STUDIO_TRAIN_THREADS ?? String(threadBudget().train) };
  const child = fork(WORKER, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], env });
  child.once("exit", release);
  child.once("error", release);
  return relayTrainingProcess(
    {
      pid: child.pid,
      send: (command) => {
        if (child.connected) child.send(command);
      },
      onMessage: (handler) => child.on("message", (raw) => handler(raw as TrainWorkerMessage)),
      onExit: (handler) => child.on("exit", handler),
      onError: (handler) => child.on("error", handler),
    },
    job,
    onEvent,
  );
}
