import type * as tfType from "@tensorflow/tfjs-core";
import { runTrainingLoop } from "../../engine/training/runTrainingLoop";
import { TrainerControl } from "../../engine/training/TrainerControl";
import { TrainJobSchema } from "../../engine/training/TrainJob";
import { workerCommands } from "../workerCommands";
import { pageRunEnvironment } from "./pageRunEnvironment";
import type { HostToPage, PageToHost } from "./trainerPortProtocol";

/** The page's end of the MessagePort (a MessagePort in the window; a Playwright bridge in the e2e test). */
export interface PagePort {
  post(message: PageToHost): void;
  onMessage(handler: (message: HostToPage) => void): void;
}

/**
 * The training worker, as a browser page: speaks trainWorker.ts's protocol over `port` (ready, then the job's
 * events and its done or error; pause, resume and cancel between steps, cancel checkpointing first, as the app
 * asks on quit) and runs the engine's run loop with the page's RunEnvironment (files through the host, Chromium's
 * WebGPU). The host closes the window after the last message, which is what gives the GPU memory back.
 */
export function runTrainerPage(port: PagePort, tf: typeof tfType): void {
  const control = new TrainerControl();
  let page: ReturnType<typeof pageRunEnvironment> | null = null;
  const command = workerCommands(control, (job) => void start(job));
  port.onMessage((message) => {
    switch (message.type) {
      case "hello":
        page ??= pageRunEnvironment(port, message, tf);
        return;
      case "file-reply":
      case "metrics-failed":
        return page?.reply(message);
      default:
        return command(message);
    }
  });

  async function start(rawJob: unknown): Promise<void> {
    try {
      if (!page) throw new Error("the training window got its job before the main process's hello; this is a bug");
      const job = TrainJobSchema.parse(rawJob);
      const outcome = await runTrainingLoop(job, control, (event) => port.post({ type: "event", event }), page.env);
      port.post({ type: "done", outcome });
    } catch (error) {
      const err = page?.gpuFailure() ?? (error instanceof Error ? error : new Error(String(error)));
      port.post({ type: "error", error: { code: err.name, message: err.message.split("\n")[0]! } });
    }
  }

  port.post({ type: "ready" });
}
