import type { LoraConfig } from "../lora/LoraConfig";
import type { Projection } from "../model/ModelWeights";
import { HF_MODULE } from "./peftNames";

/** adapter_config.json as PEFT writes it for a LoRA (FORMATS.md lists the fields). */
export interface PeftAdapterConfig {
  peft_type: "LORA";
  task_type: "CAUSAL_LM";
  base_model_name_or_path: string;
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[];
  bias: "none";
  fan_in_fan_out: false;
  use_rslora: boolean;
  use_dora: false;
  modules_to_save: null;
  rank_pattern: Record<string, number>;
  alpha_pattern: Record<string, number>;
  inference_mode: true;
  init_lora_weights: true;
  layers_to_transform: null;
  layers_pattern: null;
  revision: null;
}

/**
 * The PEFT config of a run's LoRA config. lora_alpha is the trained alpha (use_rslora carries the sqrt(r)), kept an
 * integer where it is one: Ollama decodes it as uint32. Per-layer ranks become rank_pattern entries, one per adapted
 * module of that layer ("layers.N.self_attn.q_proj" matches under both old and new PEFT pattern rules).
 */
export function peftAdapterConfig(lora: LoraConfig, baseModel: string): PeftAdapterConfig {
  const rankPattern: Record<string, number> = {};
  for (const [layer, r] of Object.entries(lora.layerRanks)) {
    if (r === lora.rank) continue;
    for (const proj of lora.targets) rankPattern[`layers.${layer}.${parentOf(proj)}.${HF_MODULE[proj]}`] = r;
  }
  return {
    peft_type: "LORA",
    task_type: "CAUSAL_LM",
    base_model_name_or_path: baseModel,
    r: lora.rank,
    lora_alpha: Number.isInteger(lora.alpha) ? Math.trunc(lora.alpha) : lora.alpha,
    lora_dropout: lora.dropout,
    target_modules: lora.targets.map((p) => HF_MODULE[p]),
    bias: "none",
    fan_in_fan_out: false,
    use_rslora: lora.rslora,
    use_dora: false,
    modules_to_save: null,
    rank_pattern: rankPattern,
    alpha_pattern: {},
    inference_mode: true,
    init_lora_weights: true,
    layers_to_transform: null,
    layers_pattern: null,
    revision: null,
  };
}

function parentOf(proj: Projection): string {
  return proj === "q" || proj === "k" || proj === "v" || proj === "o" ? "self_attn" : "mlp";
}
