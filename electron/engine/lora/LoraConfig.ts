import { z } from "zod";
import { PROJECTIONS } from "../model/ModelWeights";

/** The method article's choice (q and v only), offered as a preset beside the default of every projection. */
export const TARGET_PRESETS = { all: [...PROJECTIONS], attention: ["q", "k", "v", "o"], qv: ["q", "v"] } as const;

export const LoraConfigSchema = z.object({
  /** Rank r of every adapter (unless layerRanks overrides a layer). */
  rank: z.number().int().min(1).max(1024).default(16),
  /** Scale numerator: the update is B·A·(alpha / r), or alpha / sqrt(r) with rslora. */
  alpha: z.number().positive().default(32),
  /** Dropout on the adapter's input during training (PEFT's lora_dropout). */
  dropout: z.number().min(0).max(0.9).default(0.05),
  /** Projections that get adapters. */
  targets: z.array(z.enum(PROJECTIONS)).min(1).default([...PROJECTIONS]),
  /** Rank-stabilised LoRA: scale alpha / sqrt(r). */
  rslora: z.boolean().default(false),
  /** Per-layer ranks (layered LoRA), e.g. {"0": 4, "11": 32}; other layers use rank. */
  layerRanks: z.record(z.string().regex(/^\d+$/), z.number().int().min(1).max(1024)).default({}),
});
export type LoraConfig = z.infer<typeof LoraConfigSchema>;

/** The rank of layer `layer`'s adapters. */
export function rankOf(config: LoraConfig, layer: number): number {
  return config.layerRanks[String(layer)] ?? config.rank;
}

/** The factor B·A is multiplied by in layer `layer`. */
export function loraScale(config: LoraConfig, layer: number): number {
  const r = rankOf(config, layer);
  return config.rslora ? config.alpha / Math.sqrt(r) : config.alpha / r;
}
