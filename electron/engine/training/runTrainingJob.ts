import { appendFileSync, mkdirSync, statSync, truncateSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { openGguf } from "../gguf/GgufFile";
import { LoraAdapter } from "../lora/LoraAdapter";
import { writeLoraGguf } from "../lora/writeLoraGguf";
import { LlamaModel } from "../model/LlamaModel";
import { loadLatestCheckpoint } from "./checkpointStore";
import { DiskFullError, isDiskFull } from "./DiskFullError";
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
  /** Set by the worker when a signal (Ctrl-C, SIGTERM) or its parent's end stopped the run after a checkpoint. */
  stoppedBy?: "SIGINT" | "SIGTERM" | "parent-gone";
}

/** The file writes of a run that tests replace to make them fail like a full disk. */
export interface RunFileIo {
  appendLine(path: string, line: string): void;
}

const realIo: RunFileIo = { appendLine: (path, line) => appendFileSync(path, line) };

/**
 * Appends events to metrics.jsonl so that a failed write (a full disk) leaves no torn line behind: the file is
 * cut back to its last whole line and a DiskFullError names it. After that it writes nothing more (the events
 * still reach `emit`; the Trainer reports the failure through it).
 */
export function metricsWriter(metricsPath: string, runDir: string, io: RunFileIo = realIo): (e: TrainingEvent) => void {
  let broken = false;
  return (e) => {
    if (broken) return;
    const line = JSON.stringify({ time: new Date().toISOString(), ...e }) + "\n";
    let size = 0;
    try {
      size = statSync(metricsPath).size;
    } catch {
      size = 0;
    }
    try {
      io.appendLine(metricsPath, line);
    } catch (error) {
      broken = true;
      try {
        if (statSync(metricsPath).size > size) truncateSync(metricsPath, size);
      } catch {
        // nothing written, or the file is gone: nothing to cut back
      }
      if (isDiskFull(error)) throw new DiskFullError(metricsPath, (error as NodeJS.ErrnoException).code!, runDir);
      throw error;
    }
  };
}
/**
 * One training run in this process (the worker): loads the model and the prepared sequences, trains, and
 * writes the adapters. Every event is appended to outDir/metrics.jsonl as it happens (so a crash loses none)
 * and passed to `emit`.
 */
export async function runTrainingJob(job: TrainJob, control: TrainerControl, emit: (e: TrainingEvent) => void, io: RunFileIo = realIo): Promise<TrainingOutcome> {
  mkdirSync(job.outDir, { recursive: true });
  const metricsPath = join(job.outDir, "metrics.jsonl");
  const write = metricsWriter(metricsPath, job.outDir, io);
  const record = (e: TrainingEvent) => {
    try {
      write(e);
    } finally {
      emit(e);
    }
  };
  const checkpointDir = join(job.outDir, "checkpoints");
  // Resume without any checkpoint (stopped before the first one) starts again from the beginning and says so.
  const resume = job.resume ? await loadLatestCheckpoint<TrainerCheckpoint["state"], TrainerCheckpoint["config"]>(checkpointDir) : null;
  const train = await readSequences(job.trainPath);
  const validation = job.validationPath ? await readSequences(job.validationPath) : [];
  const { backend, gpuNotice } = await initTfjs(job.backend ? { prefer: job.backend } : {});
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
      try {
        await writeLoraGguf(path, weights, job.config.lora, arch);
      } catch (error) {
        await rm(path, { force: true }).catch(() => {});
        if (isDiskFull(error)) throw new DiskFullError(path, (error as NodeJS.ErrnoException).code!, job.outDir);
        throw error;
      }
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

/**
 * Writes JSON atomically (temp file, then rename). A failed write removes its temp file; a full disk becomes a
 * DiskFullError naming the file (the run folder is the file's folder).
 */
export async function writeJsonAtomic(path: string, value: unknown, write: (path: string, text: string) => Promise<void> = (p, t) => writeFile(p, t)): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await write(tmp, JSON.stringify(value, null, 2) + "\n");
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    if (isDiskFull(error)) throw new DiskFullError(path, (error as NodeJS.ErrnoException).code!, dirname(path));
    throw error;
  }
}
