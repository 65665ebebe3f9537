import type { TrainerControl } from "../engine/training/TrainerControl";
import type { TrainWorkerCommand } from "../engine/training/TrainJob";

/**
 * The worker protocol's commands, one way for every kind of training worker (the Node/utility process in
 * trainWorker.ts, the hidden window's page in webgpuTrainer/runTrainerPage.ts): the first `start` starts the job
 * (a second one is ignored), pause / resume / cancel go to the Trainer's control, read between steps.
 */
export function workerCommands(control: TrainerControl, start: (job: unknown) => void): (command: TrainWorkerCommand) => void {
  let started = false;
  return (command) => {
    switch (command.type) {
      case "start":
        if (started) return;
        started = true;
        return start(command.job);
      case "pause":
        return control.request("pause");
      case "resume":
        return control.request("run");
      case "cancel":
        return control.request("cancel");
      default:
        return command satisfies never;
    }
  };
}
