import { readFileSync } from "node:fs";
import { availableParallelism, cpus, platform } from "node:os";
import { setLlamaThreadProvider } from "../../engine/inference/llamaRuntime";

/** Who computes on the CPU: the trainer (MLAS matmuls), and llama.cpp contexts for chat, scoring and evaluation. */
export type ThreadConsumer = "train" | "chat" | "score" | "evaluate";
export type ThreadPlan = Record<ThreadConsumer, number>;

export interface ThreadBudgetInput {
  /** Physical cores (hyper-threads share a core's FMA units: a second thread per core adds little to a GEMM). */
  physicalCores: number;
  /** Training runs in progress in this app. */
  trainingRuns: number;
  /** The GGUF file's size, when the consumer is about to load one: tiny models evaluate faster on one thread. */
  modelBytes?: number;
}

/**
 * Below this, a model's per-token work is too small to split: llama.cpp's threads spend longer at each graph
 * barrier than computing (measured: a 260K-parameter model answers at 400-530 tokens/s on 1 thread, 45-96 on 2).
 */
export const SMALL_MODEL_BYTES = 100 * 2 ** 20;

/** Threads left to chat, scoring and evaluation while a run trains: one on small machines, two from 6 cores. */
export function reservedWhileTraining(physicalCores: number): number {
  return physicalCores >= 6 ? 2 : 1;
}

/**
 * One thread budget for the whole app. With no training, the trainer may use every physical core, and each
 * llama.cpp consumer all but one (the app's own event loops, the renderer). While a run trains, llama.cpp gets
 * reservedWhileTraining() threads and, from 4 cores, the trainer the rest, so neither spins against the other;
 * below 4 cores the trainer keeps every core (giving one up would cost it a third of its speed whether or not
 * anyone chats; MLAS's threads sleep rather than spin when a chat takes the core). A small model always gets one
 * llama.cpp thread. Never llama.cpp's default: its thread count ignores everything else running.
 */
export function planThreads(input: ThreadBudgetInput): ThreadPlan {
  const cores = input.physicalCores;
  if (!Number.isInteger(cores) || cores < 1) throw new Error(`planThreads: physicalCores must be an integer >= 1, got ${cores}`);
  if (!Number.isInteger(input.trainingRuns) || input.trainingRuns < 0) throw new Error(`planThreads: trainingRuns must be an integer >= 0, got ${input.trainingRuns}`);
  const training = input.trainingRuns > 0;
  const reserved = reservedWhileTraining(cores);
  const llama = input.modelBytes !== undefined && input.modelBytes < SMALL_MODEL_BYTES ? 1 : training ? Math.min(reserved, cores) : Math.max(1, cores - 1);
  // Two runs at once split the trainer's share (each gets at least one thread); `train` is per run.
  const trainShare = training && cores >= 4 ? cores - reserved : cores;
  const train = Math.max(1, Math.floor(trainShare / Math.max(1, input.trainingRuns)));
  return { train, chat: llama, score: llama, evaluate: llama };
}

let cachedCores: number | undefined;
/**
 * Physical cores, synchronously: Linux's /proc/cpuinfo (distinct physical id + core id), else the logical CPU
 * count (Apple Silicon has no SMT; on Windows this over-counts with SMT, which only costs idle threads).
 */
export function physicalCores(): number {
  if (cachedCores !== undefined) return cachedCores;
  let n = 0;
  if (platform() === "linux") {
    try {
      const cores = new Set<string>();
      for (const block of readFileSync("/proc/cpuinfo", "utf8").split(/\n\s*\n/)) {
        const phys = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
        const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
        if (phys !== undefined && core !== undefined) cores.add(`${phys}:${core}`);
      }
      n = cores.size;
    } catch {
      n = 0;
    }
  }
  // Never more than this process may use (a container's CPU limit, taskset).
  cachedCores = Math.max(1, Math.min(n || cpus().length, availableParallelism()));
  return cachedCores;
}

let trainingRuns = 0;
/** Counts a training run in progress (for the budget); call the returned function once when it ends. */
export function trainingStarted(): () => void {
  trainingRuns++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    trainingRuns--;
  };
}

/** The budget now, for this machine and the training runs this process has started. */
export function threadBudget(options: { modelBytes?: number } = {}): ThreadPlan {
  return planThreads({ physicalCores: physicalCores(), trainingRuns, ...(options.modelBytes !== undefined ? { modelBytes: options.modelBytes } : {}) });
}

/** One consumer's threads; an explicit request (a --threads flag, a setting other than 0) wins. */
export function threadsFor(consumer: ThreadConsumer, options: { modelBytes?: number; requested?: number } = {}): number {
  if (options.requested !== undefined && options.requested > 0) return options.requested;
  return threadBudget(options)[consumer];
}

/** Makes this budget the source of every llama.cpp context's threads (the engine's llamaThreads). Idempotent. */
export function installThreadBudget(): void {
  setLlamaThreadProvider((use, modelBytes) => threadsFor(use, { modelBytes }));
}
// On import: whoever uses the app's services gets the budget, never llama.cpp's default.
installThreadBudget();
