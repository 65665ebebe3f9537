import { rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../../engine/training/runTrainingJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import { nativeMatMulExpected } from "../../../native-deps/nativeMatmul/nativeMatMulExpected";
import { gpuOutOfMemoryText, looksOutOfMemory, outOfMemoryKind } from "../recommend/looksOutOfMemory";
import type { TrainingProcessResult } from "./forkTrainingWorker";
import { stepDown } from "../recommend/stepDown";
import type { RunRecord } from "./RunRecord";
import { startTrainingRun, storedRecord, type RunHandle, type StartWorker } from "./trainRun";

export interface StepDownOptions {
  /** Called for each attempt's process (e.g. to relay pause and cancel to it). */
  onStart?(handle: RunHandle): void;
  /** Called with the reason when the settings step down after running out of memory. */
  onStepDown?(reason: string): void;
  /** Starts each attempt's worker process (default forkTrainingWorker). */
  startWorker?: StartWorker;
}

/**
 * Runs a prepared training run; when it runs out of memory, steps the settings down (stepDown: halve the batch
 * and double accumulation, then gradient checkpointing, then a shorter sequence) and starts again from
 * scratch, recording every change in run.json. Note: a SIGKILL counts as running out of memory only before the
 * first optimizer step (that is when the OOM killer strikes: peak memory is reached in the first step); a kill
 * later leaves the run interrupted and resumable, since the settings evidently fit.
 */
export async function trainWithStepDown(record: RunRecord, onEvent: (e: TrainingEvent) => void, options: StepDownOptions = {}): Promise<RunRecord> {
  let current = record;
  for (let attempt = 0; ; attempt++) {
    let steps = 0;
    const handle = startTrainingRun(current, (e) => {
      if (e.type === "step") steps++;
      onEvent(e);
    }, options.startWorker);
    options.onStart?.(handle);
    const final = await handle.finished;
    const result = await handle.process.done;
    // A lost GPU device or a failed GPU allocation is out-of-memory at any step (the GPU says so; the OOM killer does not).
    const memory = looksOutOfMemory(result) && (result.status === "failed" || steps === 0 || outOfMemoryKind(result) === "gpu");
    if (final.status !== "finished" && final.status !== "cancelled" && !memory && steps === 0 && crashedInNativeCode(result) && nativeMatMulExpected()) {
      // Note: MLAS is native code in the training process; a crash before the first step (an Electron memory cage
      // or a CPU it does not know) must not cost the run. From now on this app trains on wasm's own kernels.
      process.env.LORA_STUDIO_NATIVE_MATMUL = "0";
      const reason = {
        en: `the training process crashed before its first step (${result.status === "died" ? (result.signal ?? `exit code ${result.exitCode}`) : ""}) with the native matrix library (onnxruntime's MLAS) on; training again without it (slower, same results)`,
        zh: `训练进程在第一步之前崩溃（${result.status === "died" ? (result.signal ?? `退出码 ${result.exitCode}`) : ""}），当时启用了本机矩阵库（onnxruntime 的 MLAS）；现在不使用它重新训练（较慢，结果相同）`,
      };
      options.onStepDown?.(reason.en);
      current = { ...final, job: { ...final.job, resume: false }, stepDowns: [...(final.stepDowns ?? []), { at: new Date().toISOString(), change: { field: "nativeMatMul", from: true, to: false }, reason }] };
      await writeJsonAtomic(join(final.job.outDir, "run.json"), storedRecord(current));
      continue;
    }
    if (final.status === "finished" || final.status === "cancelled" || !memory) return final;
    const stepped = stepDown(final.job.config, attempt);
    // A lost device or a failed GPU allocation says so first: "out of memory" alone would point at the RAM (and Dawn's
    // own error after a lost device has no message at all).
    const gpuWords = outOfMemoryKind(result) === "gpu" ? gpuOutOfMemoryText(result) : null;
    if (!stepped) {
      if (!gpuWords || !final.error) return final;
      const said: RunRecord = { ...final, error: { ...final.error, message: `${gpuWords.en} Nothing is left to step down (batch 1, gradient checkpointing, the shortest sequence): train on the CPU (LORA_STUDIO_BACKEND=wasm) or choose a smaller model.${final.error.message ? ` (${final.error.message})` : ""}` } };
      await writeJsonAtomic(join(final.job.outDir, "run.json"), storedRecord(said));
      return said;
    }
    const next = gpuWords ? { ...stepped, reason: { en: `${gpuWords.en} ${stepped.reason.en}`, zh: `${gpuWords.zh}${stepped.reason.zh}` } } : stepped;
    options.onStepDown?.(next.reason.en);
    // A smaller batch changes the data order per step, so the retry starts over rather than resuming.
    await rm(join(final.job.outDir, "checkpoints"), { recursive: true, force: true });
    current = {
      ...final,
      job: { ...final.job, config: next.config, resume: false },
      stepDowns: [...(final.stepDowns ?? []), { at: new Date().toISOString(), change: next.change, reason: next.reason }],
    };
    await writeJsonAtomic(join(final.job.outDir, "run.json"), storedRecord(current));
  }
}

/** A crash, not a stop: a fatal signal, or an exit with an error code that no one asked for (Ctrl-C gives 130, SIGTERM 143). */
export function crashedInNativeCode(result: TrainingProcessResult): boolean {
  if (result.status !== "died") return false;
  if (result.signal) return ["SIGSEGV", "SIGBUS", "SIGILL", "SIGTRAP", "SIGABRT", "SIGFPE"].includes(result.signal);
  return result.exitCode !== null && ![0, 130, 143].includes(result.exitCode);
}
