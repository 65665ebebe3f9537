import type { TrainConfig } from "../../engine/training/TrainConfig";
import type { Localized } from "../data/types";

/** Shortest sequence the step-down goes to; below it the examples are mostly cut away. */
export const MIN_STEP_DOWN_SEQ = 64;

export interface StepDown {
  config: TrainConfig;
  /** The attempt this config is for (the one after `attempt`). */
  attempt: number;
  change: { field: "batchSize" | "gradientCheckpointing" | "seqLen"; from: number | boolean; to: number | boolean };
  reason: Localized;
}

/**
 * The configuration to retry with after attempt `attempt` ran out of memory, or null when nothing is left to give
 * up: first halve the batch and double accumulation (same effective batch, same result per optimizer step), then
 * turn on gradient checkpointing (same result, slower), then halve the sequence length (longer examples get cut).
 */
export function stepDown(config: TrainConfig, attempt: number): StepDown | null {
  if (config.batchSize > 1) {
    const batchSize = Math.floor(config.batchSize / 2);
    const gradAccum = Math.min(1024, config.gradAccum * 2);
    return {
      config: { ...config, batchSize, gradAccum },
      attempt: attempt + 1,
      change: { field: "batchSize", from: config.batchSize, to: batchSize },
      reason: {
        en: `Out of memory with batch ${config.batchSize}: retrying with batch ${batchSize} and gradient accumulation ${gradAccum}, the same effective batch.`,
        zh: `批大小 ${config.batchSize} 时内存不足：改用批大小 ${batchSize}、梯度累积 ${gradAccum} 重试，有效批大小不变。`,
      },
    };
  }
  if (!config.gradientCheckpointing) {
    return {
      config: { ...config, gradientCheckpointing: true },
      attempt: attempt + 1,
      change: { field: "gradientCheckpointing", from: false, to: true },
      reason: {
        en: "Out of memory at batch 1: retrying with gradient checkpointing, which recomputes activations instead of keeping them (same result, about a third slower).",
        zh: "批大小为 1 时仍内存不足：开启梯度检查点重试，反向传播时重新计算激活值而不保存（结果相同，约慢三分之一）。",
      },
    };
  }
  if (config.seqLen > MIN_STEP_DOWN_SEQ) {
    const seqLen = Math.max(MIN_STEP_DOWN_SEQ, Math.floor(config.seqLen / 2 / 16) * 16);
    return {
      config: { ...config, seqLen },
      attempt: attempt + 1,
      change: { field: "seqLen", from: config.seqLen, to: seqLen },
      reason: {
        en: `Out of memory even with gradient checkpointing: retrying with sequences of ${seqLen} tokens instead of ${config.seqLen}; longer examples will be cut.`,
        zh: `开启梯度检查点后仍内存不足：序列长度从 ${config.seqLen} 减为 ${seqLen} 个词元重试，更长的样本将被截断。`,
      },
    };
  }
  return null;
}
