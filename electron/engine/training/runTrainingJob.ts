import { appendFileSync, mkdirSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { openGguf } from "../gguf/GgufFile";
import { LoraAdapter } from "../lora/LoraAdapter";
import { writeLoraGguf } from "../lora/writeLoraGguf";
import { LlamaModel } from "../model/LlamaModel";
import { loadLatestCheckpoint } from "./checkpointStore";
import { readSequences } from "./readSequences";
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
}

/**
 * One training run in this process (the worker): loads the model and the prepared sequences, trains, and
 * writes the adapters. Every event is appended to outDir/metrics.jsonl as it happens (so a crash loses none)
 * and passed to `emit`.
 */
export async function runTrainingJob(job: TrainJob, control: TrainerControl, emit: (e: TrainingEvent) => void): Promise<TrainingOutcome> {
  mkdirSync(job.outDir, { recursive: true });
  const metricsPath = join(job.outDir, "metrics.jsonl");
  const record = (e: TrainingEvent) => {
    appendFileSync(metricsPath, JSON.stringify({ time: new Date().toISOString(), ...e }) + "\n");
    emit(e);
  };
  const checkpointDir = join(job.outDir, "checkpoints");
  const resume = job.resume ? await loadLatestCheckpoint<TrainerCheckpoint["state"], TrainerCheckpoint["config"]>(checkpointDir) : null;
  if (job.resume && !resume) throw new Error(`no checkpoint to resume from in ${checkpointDir}`);
  const train = await readSequences(job.trainPath);
  const validation = job.validationPath ? await readSequences(job.validationPath) : [];
  const { backend } = await initTfjs(job.backend ? { prefer: job.backend } : {});
  const file = await openGguf(job.modelPath);
  let model: LlamaModel | undefined;
  let adapter: LoraAdapter | undefined;
  try {
    // Note: a kept-quantized base holds raw GGUF bytes and dequantizes each block when used (less memory, ~40% slower).
    model = await LlamaModel.load(file, { keepQuantized: job.config.quantizedBase });
    const totalBase = file.tensors.reduce((n, t) => n + t.elementCount, 0);
    adapter = LoraAdapter.create(model.config, job.config.lora, job.config.seed);
    const trainer = new Trainer({ model, adapter, config: job.config, train, validation, checkpointDir, emit: record, control, ...(resume ? { resume } : {}) });
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
    });
    const result = await trainer.run();
    // Note: a content hash is not needed here; exports for chat name files by hash (node-llama-cpp caches by path).
    const adapterPath = join(job.outDir, "adapter.gguf");
    const lastAdapterPath = join(job.outDir, "adapter-last.gguf");
    const arch = model.config.arch;
    await writeLoraGguf(lastAdapterPath, result.last, job.config.lora, arch);
    await writeLoraGguf(adapterPath, result.best ?? result.last, job.config.lora, arch);
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

/** Writes JSON atomically (temp file, then rename). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + "\n");
  await rename(tmp, path);
}
