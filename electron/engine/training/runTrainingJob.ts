import { appendFileSync, statSync, truncateSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { fileByteSource } from "../gguf/byteSource";
import { writeLoraGguf } from "../lora/writeLoraGguf";
import { DiskFullError, isDiskFull } from "./DiskFullError";
import { nodeRunFiles } from "./nodeRunFiles";
import { readSequences } from "./readSequences";
import type { RunEnvironment } from "./RunFiles";
import { runTrainingLoop, type TrainingOutcome } from "./runTrainingLoop";
import type { TrainerControl } from "./TrainerControl";
import type { TrainJob } from "./TrainJob";
import type { TrainingEvent } from "./trainingEvents";

export type { TrainingOutcome } from "./runTrainingLoop";

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
/** The run's files and backends in a Node training process (the CLI's fork, the app's utilityProcess). */
export function nodeRunEnvironment(io: RunFileIo = realIo): RunEnvironment {
  return {
    files: nodeRunFiles,
    openModel: fileByteSource,
    readSequences,
    metricsWriter: (metricsPath, runDir) => metricsWriter(metricsPath, runDir, io),
    writeAdapter: async (path, weights, lora, architecture) => {
      try {
        await writeLoraGguf(path, weights, lora, architecture);
      } catch (error) {
        await rm(path, { force: true }).catch(() => {});
        if (isDiskFull(error)) throw new DiskFullError(path, (error as NodeJS.ErrnoException).code!, dirname(path));
        throw error;
      }
    },
    initBackend: async (prefer) => {
      const { backend, gpuNotice } = await initTfjs(prefer ? { prefer } : {});
      return { backend, ...(gpuNotice ? { gpuNotice } : {}) };
    },
  };
}

/**
 * One training run in this process (the worker): runTrainingLoop on node:fs and native-deps' tfjs backends. Every
 * event is appended to outDir/metrics.jsonl as it happens (so a crash loses none) and passed to `emit`.
 */
export function runTrainingJob(job: TrainJob, control: TrainerControl, emit: (e: TrainingEvent) => void, io: RunFileIo = realIo): Promise<TrainingOutcome> {
  return runTrainingLoop(job, control, emit, nodeRunEnvironment(io));
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
