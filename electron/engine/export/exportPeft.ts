import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openGguf } from "../gguf/GgufFile";
import { loraScale, type LoraConfig } from "../lora/LoraConfig";
import { readModelConfig, type ModelConfig } from "../model/ModelConfig";
import { ExportError } from "./ExportError";
import { describeFile, type ExportResult } from "./ExportResult";
import { HF_ID_PLACEHOLDER, hfModelId } from "./hfModelId";
import type { RunForExport } from "./loadRunForExport";
import { modelCard } from "./modelCard";
import { peftAdapterConfig } from "./peftAdapterConfig";
import { peftTensorName } from "./peftNames";
import { ggufRowsToHf } from "./qkPermutation";
import { ggufPairScale, readAdapterPairs, type AdapterPair } from "../lora/readAdapterPairs";
import { writeSafetensors, type SafetensorsDtype, type SafetensorsTensor } from "./writeSafetensors";

export interface PeftExportOptions {
  outDir: string;
  /** Tensor dtype in adapter_model.safetensors (default F32: exactly the trained values). */
  dtype?: SafetensorsDtype;
  /** Hugging Face id of the base model, overriding what the GGUF metadata says. */
  baseModelId?: string;
}

/**
 * A Hugging Face PEFT folder: adapter_model.safetensors, adapter_config.json and a README.md model card.
 * Note: training ran on GGUF-layout tensors, where llama's attn_q / attn_k rows are permuted (FORMATS.md), so the
 * q_proj / k_proj lora_B rows are put back into Hugging Face order here (nh = n_head for q, n_head_kv for k);
 * lora_A is unchanged, and qwen2 / qwen3 need nothing.
 */
export async function exportPeft(run: RunForExport, options: PeftExportOptions): Promise<ExportResult> {
  const base = await openGguf(run.baseModel.path);
  let model: ModelConfig;
  let hfId: string;
  let modelName: string | null;
  try {
    model = readModelConfig(base);
    hfId = options.baseModelId ?? hfModelId(base) ?? HF_ID_PLACEHOLDER;
    modelName = base.optionalString("general.name") ?? null;
  } finally {
    await base.close();
  }
  const adapter = await readAdapterPairs(run.adapterPath);
  if (adapter.architecture !== model.arch) {
    throw new ExportError(`${run.adapterPath} is for ${adapter.architecture} but the base model ${run.baseModel.path} is ${model.arch}`);
  }
  const notes: string[] = [];
  const tensors: SafetensorsTensor[] = [];
  for (const p of adapter.pairs) {
    const b = hfLoraB(p, model, peftScaleRatio(p, adapter.alpha, run.lora));
    tensors.push({ name: peftTensorName(p.layer, p.proj, "A"), shape: [p.r, p.inDim], values: p.a });
    tensors.push({ name: peftTensorName(p.layer, p.proj, "B"), shape: [p.outDim, p.r], values: b });
  }
  if (model.arch === "llama" && adapter.pairs.some((p) => p.proj === "q" || p.proj === "k")) {
    notes.push("llama base: q_proj / k_proj lora_B rows were put back from GGUF order into Hugging Face order");
  }
  if (hfId === HF_ID_PLACEHOLDER) {
    notes.push(`the GGUF metadata names no Hugging Face repository: base_model_name_or_path is "${HF_ID_PLACEHOLDER}"; replace it with the base model's id (README.md explains)`);
  }
  const dtype = options.dtype ?? "F32";
  await mkdir(options.outDir, { recursive: true });
  const weightsPath = join(options.outDir, "adapter_model.safetensors");
  const configPath = join(options.outDir, "adapter_config.json");
  const readmePath = join(options.outDir, "README.md");
  await writeSafetensors(weightsPath, tensors, dtype, { format: "pt" });
  await writeFile(configPath, JSON.stringify(peftAdapterConfig(run.lora, hfId), null, 2) + "\n");
  await writeFile(readmePath, modelCard(run, hfId, modelName));
  return {
    format: "peft",
    files: [
      await describeFile(weightsPath, `PEFT adapter weights (${dtype})`),
      await describeFile(configPath, "PEFT adapter config"),
      await describeFile(readmePath, "model card"),
    ],
    notes,
  };
}

/**
 * PEFT's scale over llama.cpp's for one pair. They are equal for adapters this app trained (the GGUF alpha carries
 * rsLoRA's sqrt(r)); when a GGUF adapter disagrees with the run's config, B absorbs the difference so the exported
 * adapter computes what the GGUF one does.
 */
function peftScaleRatio(p: AdapterPair, ggufAlpha: number, lora: LoraConfig): number {
  const ratio = ggufPairScale(ggufAlpha, p.r) / loraScale({ ...lora, layerRanks: { ...lora.layerRanks, [String(p.layer)]: p.r } }, p.layer);
  return Math.abs(ratio - 1) < 1e-6 ? 1 : ratio;
}

function hfLoraB(p: AdapterPair, model: ModelConfig, ratio: number): Float32Array {
  let b = p.b;
  if (model.arch === "llama" && (p.proj === "q" || p.proj === "k")) {
    b = ggufRowsToHf(b, p.outDim, p.r, p.proj === "q" ? model.nHead : model.nHeadKv);
  }
  if (ratio !== 1) b = b.map((v) => v * ratio);
  return b;
}
