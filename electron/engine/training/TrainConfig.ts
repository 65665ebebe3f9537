import { z } from "zod";
import { LoraConfigSchema } from "../lora/LoraConfig";
import { LR_SCHEDULES } from "./learningRate";

export const TrainConfigSchema = z.object({
  lora: LoraConfigSchema.default(LoraConfigSchema.parse({})),
  /** Peak learning rate. */
  lr: z.number().positive().max(1).default(2e-4),
  schedule: z.enum(LR_SCHEDULES).default("cosine"),
  /** Warmup as a fraction of all optimizer steps. */
  warmupRatio: z.number().min(0).max(0.5).default(0.05),
  /** Where cosine and linear decay end, as a fraction of lr. */
  minLrRatio: z.number().min(0).max(1).default(0),
  /** AdamW decoupled weight decay. */
  weightDecay: z.number().min(0).max(1).default(0.01),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  adamEps: z.number().positive().default(1e-8),
  /** Global gradient-norm clip; 0 turns clipping off. */
  maxGradNorm: z.number().min(0).default(1),
  /** Sequences per micro-batch. */
  batchSize: z.number().int().min(1).max(256).default(1),
  /** Micro-batches per optimizer step (effective batch = batchSize x gradAccum). */
  gradAccum: z.number().int().min(1).max(1024).default(4),
  /** Longest sequence in tokens; longer examples are truncated and counted. */
  seqLen: z.number().int().min(8).max(32768).default(512),
  /** Passes over the training data (ignored when maxSteps is set and reached first). */
  epochs: z.number().positive().max(1000).default(3),
  /** Stop after this many optimizer steps (0: no limit but epochs). */
  maxSteps: z.number().int().min(0).default(0),
  /** Validation every this many optimizer steps (0: once per epoch). */
  evalEvery: z.number().int().min(0).default(0),
  /** Stop after this many evaluations without improvement (0 turns early stopping off). */
  earlyStopPatience: z.number().int().min(0).default(3),
  /** Least validation-loss decrease that counts as improvement. */
  earlyStopMinDelta: z.number().min(0).default(0),
  /** Checkpoint every this many optimizer steps (0: only at the end, on pause and on cancel). */
  checkpointEvery: z.number().int().min(0).default(50),
  /** Recompute each block's activations in the backward pass instead of keeping them (less memory, slower). */
  gradientCheckpointing: z.boolean().default(false),
  /**
   * Keep a quantized (or F16) base model's block weights as their GGUF bytes and dequantize each block when it
   * runs (LoadWeightsOptions.keepQuantized): less memory, the same results, some time per step.
   */
  quantizedBase: z.boolean().default(false),
  /** Seed of everything random: adapter init, data order, dropout. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
