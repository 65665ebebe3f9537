import type { TrainJob } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import type { TrainingProcess, TrainingProcessResult } from "./forkTrainingWorker";
import type { StartWorker } from "./trainRun";

/**
 * The Electron app's StartWorker, chosen by the job's backend: `webgpu` trains in the hidden trainer window
 * (Chromium's own WebGPU; dawn.node cannot run in Electron, electron/worker/README.md), every other backend in the
 * utilityProcess as before. When the window cannot train on WebGPU at all (no adapter, a software one, WebGPU
 * blocked: the page fails with WebgpuUnavailable before its first step), the same job trains in the utilityProcess
 * on the first backend that loads there, and its `started` event says why in gpuNotice, as the Node path does.
 * Where no trainer window exists (the page not built), webgpu jobs go to the utilityProcess too.
 */
export function startWorkerByBackend(workers: { webgpuWindow: StartWorker | null; process: StartWorker }): StartWorker {
  return (job, onEvent) => {
    if (job.backend !== "webgpu" || !workers.webgpuWindow) return workers.process(job.backend === "webgpu" ? withoutBackend(job) : job, onEvent);
    return withFallback(workers.webgpuWindow, workers.process, job, onEvent);
  };
}

function withoutBackend(job: TrainJob): TrainJob {
  const rest = { ...job };
  delete rest.backend;
  return rest;
}

function withFallback(first: StartWorker, then: StartWorker, job: TrainJob, onEvent: (e: TrainingEvent) => void): TrainingProcess {
  let current = first(job, onEvent);
  let cancelled = false;
  let paused = false;
  const done: Promise<TrainingProcessResult> = current.done.then((result) => {
    if (cancelled || result.status !== "failed" || result.error.code !== "WebgpuUnavailable") return result;
    const notice = `WebGPU not used: ${result.error.message}`;
    current = then(withoutBackend(job), (e) => onEvent(e.type === "started" ? { ...e, gpuNotice: e.gpuNotice ?? `${notice}; training on ${e.backend} instead` } : e));
    if (paused) current.pause();
    return current.done;
  });
  return {
    get pid() {
      return current.pid;
    },
    pause: () => ((paused = true), current.pause()),
    resume: () => ((paused = false), current.resume()),
    cancel: () => ((cancelled = true), current.cancel()),
    done,
  };
}
