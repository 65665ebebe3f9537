import { GgufFile } from "../gguf/GgufFile";
import { LoraAdapter } from "../lora/LoraAdapter";
import { LlamaModel } from "../model/LlamaModel";
import { loadLatestCheckpoint } from "./checkpointStore";
import type { RunEnvironment } from "./RunFiles";
import { Trainer, type TrainerCheckpoint } from "./Trainer";
import type { TrainerControl } from "./TrainerControl";
import type { TrainJob } from "./TrainJob";
import type { FinishReason, TrainingEvent } from "./trainingEvents";

export interface TrainingOutcome {
  reason: FinishReason;
  adapterPath: string;
  lastAdapterPath: string;
  step: number;
  finalLoss: number | null;
  bestValLoss: number | null;
  bestStep: number | null;
  trainableParameters: number;
  trainablePercent: number;
  backend: string;
  trainingSeconds: number;
  /** Set by the worker when a signal (Ctrl-C, SIGTERM) or its parent's end stopped the run after a checkpoint. */
  stoppedBy?: "SIGINT" | "SIGTERM" | "parent-gone";
}

/**
 * One training run: loads the model and the prepared sequences, trains, and writes the adapters. Every event is
 * appended to outDir/metrics.jsonl as it happens (so a crash loses none) and passed to `emit`. Free of Node: the
 * files and the tfjs backend come from `env` (runTrainingJob's node:fs in a training process; the main process's,
 * over a MessagePort, in the Electron app's hidden trainer window).
 */
export async function runTrainingLoop(job: TrainJob, control: TrainerControl, emit: (e: TrainingEvent) => void, env: RunEnvironment): Promise<TrainingOutcome> {
  const { files } = env;
  const join = files.join;
  await files.mkdir(job.outDir);
  const metricsPath = join(job.outDir, "metrics.jsonl");
  const write = env.metricsWriter(metricsPath, job.outDir);
  const record = (e: TrainingEvent) => {
    try {
      write(e);
    } finally {
      emit(e);
    }
  };
  const checkpointDir = join(job.outDir, "checkpoints");
  // Resume without any checkpoint (stopped before the first one) starts again from the beginning and says so.
  const resume = job.resume ? await loadLatestCheckpoint<TrainerCheckpoint["state"], TrainerCheckpoint["config"]>(checkpointDir, files) : null;
  const train = await env.readSequences(job.trainPath);
  const validation = job.validationPath ? await env.readSequences(job.validationPath) : [];
  const { backend, gpuNotice } = await env.initBackend(job.backend);
  const file = await GgufFile.open(await env.openModel(job.modelPath));
  let model: LlamaModel | undefined;
  let adapter: LoraAdapter | undefined;
  try {
    // Note: a kept-quantized base holds raw GGUF bytes and dequantizes each block when used (less memory, ~40% slower).
    model = await LlamaModel.load(file, { keepQuantized: job.config.quantizedBase });
    const totalBase = file.tensors.reduce((n, t) => n + t.elementCount, 0);
    adapter = LoraAdapter.create(model.config, job.config.lora, job.config.seed);
    const trainer = new Trainer({ model, adapter, config: job.config, train, validation, checkpointDir, emit: record, control, files, ...(resume ? { resume } : {}) });
    const trainableParameters = adapter.trainableParameters();
    const trainablePercent = (100 * trainableParameters) / (totalBase + trainableParameters);
    record({
      type: "started",
      totalSteps: trainer.totalSteps,
      stepsPerEpoch: trainer.stepsPerEpoch,
      trainableParameters,
      trainablePercent,
      trainExamples: train.length,
      validationExamples: validation.length,
      backend,
      resumedFromStep: resume ? resume.step : null,
      ...(job.resume && !resume ? { restartedFromStart: true } : {}),
      ...(gpuNotice ? { gpuNotice } : {}),
      ...(resume?.skipped.length ? { skippedCheckpoints: resume.skipped.map((s) => ({ step: s.step, reason: s.reason })) } : {}),
    });
    const result = await trainer.run();
    // Note: a content hash is not needed here; exports for chat name files by hash (node-llama-cpp caches by path).
    const adapterPath = join(job.outDir, "adapter.gguf");
    const lastAdapterPath = join(job.outDir, "adapter-last.gguf");
    const arch = model.config.arch;
    for (const [path, weights] of [[lastAdapterPath, result.last], [adapterPath, result.best ?? result.last]] as const) {
      await env.writeAdapter(path, weights, job.config.lora, arch);
    }
    return {
      reason: result.reason,
      adapterPath,
      lastAdapterPath,
      step: result.state.step,
      finalLoss: result.state.lastLoss,
      bestValLoss: result.state.bestValLoss,
      bestStep: result.state.bestStep,
      trainableParameters,
      trainablePercent,
      backend,
      trainingSeconds: result.state.elapsedMs / 1000,
    };
  } finally {
    adapter?.dispose();
    model?.dispose();
    await file.close();
  }
}

