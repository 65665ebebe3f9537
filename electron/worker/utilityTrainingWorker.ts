import { utilityProcess } from "electron";
import type { TrainingProcess } from "../app/training/forkTrainingWorker";
import type { TrainJob, TrainWorkerMessage } from "../engine/training/TrainJob";
import type { TrainingEvent } from "../engine/training/trainingEvents";
import { threadBudget, trainingStarted } from "../app/hardware/threadBudget";
import { relayTrainingProcess } from "../app/training/relayTrainingProcess";

/**
 * The Electron app's way to start training: the same worker script as the CLI's fork, as a utilityProcess
 * (a Node process Electron manages, ended with the app, with its own heap that ending it gives back).
 */
export function utilityTrainingWorker(workerPath: string): (job: TrainJob, onEvent: (e: TrainingEvent) => void) => TrainingProcess {
  return (job, onEvent) => {
    // The trainer's matmul threads come from the app's budget (counting this run), read by native-deps' MLAS matmul.
    const release = trainingStarted();
    const env = { ...process.env, LORA_STUDIO_TRAIN_THREADS: process.env.LORA_STUDIO_TRAIN_THREADS ?? String(threadBudget().train) };
    const child = utilityProcess.fork(workerPath, [], { serviceName: "LoRA Studio training", stdio: "inherit", env });
    child.once("exit", release);
    return relayTrainingProcess(
      {
        get pid() {
          return child.pid;
        },
        send: (command) => child.postMessage(command),
        onMessage: (handler) => child.on("message", (m: unknown) => handler(m as TrainWorkerMessage)),
        // utilityProcess reports only an exit code; a crash or kill shows as a non-zero code.
        onExit: (handler) => child.once("exit", (code: number) => handler(code, null)),
      },
      job,
      onEvent,
    );
  };
}
