import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { openGguf } from "../gguf/GgufFile";
import { projectionShape } from "../lora/LoraAdapter";
import { readModelConfig, type ModelConfig } from "../model/ModelConfig";
import { PROJECTION_TENSOR } from "../model/ModelWeights";
import { ExportError } from "./ExportError";
import { describeFile, type ExportResult } from "./ExportResult";
import { HF_MODULE, parsePeftTensorName, projectionOfModule } from "./peftNames";
import { hfRowsToGguf } from "./qkPermutation";
import type { AdapterPair } from "../lora/readAdapterPairs";
import { readSafetensors } from "./readSafetensors";
import { adapterTypeFor, writeAdapterGguf, type AdapterType } from "../lora/writeAdapterGguf";

export interface ImportPeftOptions {
  /** The base GGUF the adapter is for. */
  modelPath: string;
  /** A PEFT folder: adapter_config.json + adapter_model.safetensors. */
  peftDir: string;
  /** The GGUF LoRA to write; must not exist (node-llama-cpp caches adapters by path). */
  outPath: string;
  type?: AdapterType;
}

interface PeftConfigJson {
  peft_type?: string;
  r?: number;
  lora_alpha?: number;
  use_rslora?: boolean;
  use_dora?: boolean;
  bias?: string;
  fan_in_fan_out?: boolean;
  modules_to_save?: string[] | null;
  target_modules?: string[] | string | null;
  rank_pattern?: Record<string, number>;
  alpha_pattern?: Record<string, number>;
  base_model_name_or_path?: string | null;
}

/**
 * A PEFT LoRA trained elsewhere (Axolotl, LLaMA-Factory, PEFT) as a GGUF LoRA for this base: names mapped to
 * blk.N.<stem>.weight.lora_a / .lora_b, shapes checked against the base (errors name the tensor), the PEFT scale
 * (alpha / r, alpha / sqrt(r) with rsLoRA, alpha_pattern) expressed through adapter.lora.alpha (differences between
 * pairs folded into B), and for llama bases the q_proj / k_proj lora_B rows permuted into GGUF order (FORMATS.md).
 */
export async function importPeft(options: ImportPeftOptions): Promise<ExportResult & { adapterPath: string }> {
  const peftDir = resolve(options.peftDir);
  const outPath = resolve(options.outPath);
  if (existsSync(outPath)) throw new ExportError(`${outPath} already exists; give a new file name (node-llama-cpp caches adapters by path, so a changed adapter must not reuse one)`);
  const configPath = join(peftDir, "adapter_config.json");
  const weightsPath = join(peftDir, "adapter_model.safetensors");
  const configText = await readFile(configPath, "utf8").catch(() => null);
  if (configText === null) throw new ExportError(`${configPath} does not exist; --peft takes a PEFT adapter folder (adapter_config.json + adapter_model.safetensors)`);
  if (!existsSync(weightsPath)) {
    const bin = existsSync(join(peftDir, "adapter_model.bin")) ? " (it has adapter_model.bin: re-save it with safe_serialization=True)" : "";
    throw new ExportError(`${weightsPath} does not exist${bin}`);
  }
  const config = JSON.parse(configText) as PeftConfigJson;
  checkConfig(config, configPath);

  const base = await openGguf(options.modelPath);
  let model: ModelConfig;
  try {
    model = readModelConfig(base);
  } finally {
    await base.close();
  }
  const { tensors } = await readSafetensors(weightsPath);
  const halves = new Map<string, { layer: number; module: string; A?: { shape: number[]; values: Float32Array }; B?: { shape: number[]; values: Float32Array } }>();
  for (const [name, t] of tensors) {
    const parsed = parsePeftTensorName(name);
    if (!parsed) {
      throw new ExportError(`${weightsPath}: tensor ${name} is not a LoRA A/B weight of a decoder layer's projection; only ${Object.values(HF_MODULE).join(", ")} can become a GGUF LoRA`);
    }
    if (!projectionOfModule(parsed.module)) {
      throw new ExportError(`${weightsPath}: tensor ${name} adapts module "${parsed.module}", which a ${model.arch} GGUF LoRA cannot target; supported: ${Object.values(HF_MODULE).join(", ")}`);
    }
    const key = `${parsed.layer}.${parsed.module}`;
    const entry = halves.get(key) ?? { layer: parsed.layer, module: parsed.module };
    entry[parsed.half] = t;
    halves.set(key, entry);
  }
  if (halves.size === 0) throw new ExportError(`${weightsPath} holds no LoRA tensors`);

  const pairs: (AdapterPair & { scale: number })[] = [];
  for (const h of halves.values()) {
    const proj = projectionOfModule(h.module)!;
    const label = `model.layers.${h.layer}.${proj === "q" || proj === "k" || proj === "v" || proj === "o" ? "self_attn" : "mlp"}.${h.module}`;
    if (!h.A || !h.B) throw new ExportError(`${weightsPath}: ${label} has lora_${h.A ? "A" : "B"} but no lora_${h.A ? "B" : "A"}`);
    if (h.layer >= model.nLayer) throw new ExportError(`${weightsPath}: tensor for ${label} but the base model has ${model.nLayer} layers; is it the model the adapter was trained on?`);
    const { inDim, outDim } = projectionShape(model, proj);
    const r = h.A.shape[0]!;
    if (h.A.shape.length !== 2 || h.A.shape[1] !== inDim) {
      throw new ExportError(`${weightsPath}: ${label}.lora_A.weight is [${h.A.shape.join(", ")}] but this base needs [r, ${inDim}]; the adapter was trained for another model`);
    }
    if (h.B.shape.length !== 2 || h.B.shape[0] !== outDim || h.B.shape[1] !== r) {
      throw new ExportError(`${weightsPath}: ${label}.lora_B.weight is [${h.B.shape.join(", ")}] but this base needs [${outDim}, ${r}]; the adapter was trained for another model`);
    }
    const alpha = patternValue(config.alpha_pattern, label) ?? config.lora_alpha ?? 8;
    const scale = config.use_rslora ? alpha / Math.sqrt(r) : alpha / r;
    let b = h.B.values;
    if (model.arch === "llama" && (proj === "q" || proj === "k")) b = hfRowsToGguf(b, outDim, r, proj === "q" ? model.nHead : model.nHeadKv);
    const baseName = `blk.${h.layer}.${PROJECTION_TENSOR[proj]}.weight`;
    pairs.push({ layer: h.layer, proj, baseName, r, inDim, outDim, a: Float32Array.from(h.A.values), b: Float32Array.from(b), scale });
  }
  pairs.sort((x, y) => x.layer - y.layer || x.baseName.localeCompare(y.baseName));

  // llama.cpp scales each pair by alpha_gguf / r; pick alpha_gguf from the first pair and fold any other pair's
  // difference into its B (none for a uniform rank and alpha).
  const ggufAlpha = pairs[0]!.scale * pairs[0]!.r;
  let folded = 0;
  for (const p of pairs) {
    const ratio = p.scale / (ggufAlpha / p.r);
    if (Math.abs(ratio - 1) > 1e-9) {
      for (let i = 0; i < p.b.length; i++) p.b[i] = p.b[i]! * ratio;
      folded++;
    }
  }
  const { type, note } = adapterTypeFor(pairs, options.type ?? "F32");
  await mkdir(dirname(outPath), { recursive: true });
  await writeAdapterGguf(outPath, pairs, ggufAlpha, model.arch, type);
  const notes = [`${pairs.length} LoRA pairs from ${peftDir} for the ${model.arch} base ${options.modelPath}, adapter.lora.alpha ${ggufAlpha}`];
  if (model.arch === "llama" && pairs.some((p) => p.proj === "q" || p.proj === "k")) notes.push("llama base: q_proj / k_proj lora_B rows permuted into GGUF order");
  if (folded) notes.push(`${folded} pairs have another scale than the first (rank_pattern / alpha_pattern / rsLoRA); their lora_b carries the difference`);
  const targets = typeof config.target_modules === "string" ? [] : (config.target_modules ?? []);
  const missing = targets.filter((m) => ![...halves.values()].some((h) => h.module === m));
  if (missing.length) notes.push(`adapter_config.json targets ${missing.join(", ")} but the safetensors file has no tensors for them`);
  if (note) notes.push(note);
  return { format: "import-peft", files: [await describeFile(outPath, `GGUF LoRA adapter (${type}) imported from PEFT`)], notes, adapterPath: outPath };
}

function checkConfig(c: PeftConfigJson, path: string): void {
  if (c.peft_type !== undefined && c.peft_type !== "LORA") throw new ExportError(`${path}: peft_type is "${c.peft_type}"; only LORA adapters can become a GGUF LoRA`);
  if (c.use_dora) throw new ExportError(`${path}: use_dora is true; DoRA's magnitude vectors have no GGUF LoRA form (merge the adapter in PEFT instead)`);
  if (c.modules_to_save && c.modules_to_save.length) {
    throw new ExportError(`${path}: modules_to_save ${JSON.stringify(c.modules_to_save)} holds fully trained modules a GGUF LoRA cannot carry; retrain without them or merge in PEFT`);
  }
  if (c.bias && c.bias !== "none") throw new ExportError(`${path}: bias is "${c.bias}"; trained biases have no GGUF LoRA form (retrain with bias "none")`);
  if (c.fan_in_fan_out) throw new ExportError(`${path}: fan_in_fan_out is true (GPT-2 style Conv1D weights); only Linear projections are supported`);
}

/** PEFT pattern lookup: a key matches a module name ending in ".<key>" or equal to it. */
function patternValue(patterns: Record<string, number> | undefined, module: string): number | undefined {
  for (const [key, v] of Object.entries(patterns ?? {})) {
    if (module === key || module.endsWith(`.${key}`) || safeRegex(`(^|.*\\.)${key}$`)?.test(module)) return v;
  }
  return undefined;
}

function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}
