import type { Projection } from "../model/ModelWeights";

/** Hugging Face module name of each projection (PEFT target_modules). */
export const HF_MODULE: Record<Projection, string> = {
  q: "q_proj",
  k: "k_proj",
  v: "v_proj",
  o: "o_proj",
  gate: "gate_proj",
  up: "up_proj",
  down: "down_proj",
};

/** The parent block of each module: self_attn or mlp. */
function parentOf(proj: Projection): "self_attn" | "mlp" {
  return proj === "q" || proj === "k" || proj === "v" || proj === "o" ? "self_attn" : "mlp";
}

/** base_model.model.model.layers.{i}.{self_attn|mlp}.{module}.lora_{A|B}.weight */
export function peftTensorName(layer: number, proj: Projection, half: "A" | "B"): string {
  return `base_model.model.model.layers.${layer}.${parentOf(proj)}.${HF_MODULE[proj]}.lora_${half}.weight`;
}

const PROJECTION_BY_MODULE = new Map(Object.entries(HF_MODULE).map(([p, m]) => [m, p as Projection]));

export function projectionOfModule(module: string): Projection | undefined {
  return PROJECTION_BY_MODULE.get(module);
}

/**
 * Parses a PEFT tensor name (with or without the adapter name PEFT adds in memory, e.g. lora_A.default.weight).
 * Returns null for names that are not a LoRA tensor of a decoder layer.
 */
export function parsePeftTensorName(name: string): { layer: number; module: string; half: "A" | "B" } | null {
  const m = /^(?:base_model\.model\.)?(?:model\.)?layers\.(\d+)\.(?:self_attn|mlp)\.([a-z_]+)\.lora_(A|B)(?:\.[A-Za-z0-9_-]+)?\.weight$/.exec(name);
  return m ? { layer: Number(m[1]), module: m[2]!, half: m[3] as "A" | "B" } : null;
}
