import { GgmlType } from "../gguf/ggmlType";
import { GgufValueType, type GgufKv } from "../gguf/types";
import { writeGguf, type GgufTensorToWrite } from "../gguf/writeGguf";
import type { LoraConfig } from "./LoraConfig";
import type { LoraWeights } from "./LoraAdapter";
import { transpose2d } from "../util/transpose2d";

/**
 * Writes adapter weights as a GGUF LoRA that llama.cpp loads (FORMATS.md): general.type "adapter",
 * adapter.lora.alpha as FLOAT32, tensors <base>.lora_a with ne [in, r] and <base>.lora_b with ne [r, out].
 * Our variables are A [in, r] and B [r, out] (x @ A @ B); GGUF's byte layout is PyTorch's A [r, in] and
 * B [out, r], so both are transposed on the way out.
 */
export async function writeLoraGguf(path: string, weights: LoraWeights, config: LoraConfig, architecture: string): Promise<void> {
  // llama.cpp scales by alpha / r with r from each tensor; rsLoRA's alpha / sqrt(r) equals (alpha * sqrt(r)) / r.
  const ranks = new Set(Object.entries(weights).filter(([n]) => n.endsWith(".lora_a")).map(([, w]) => w.shape[1]!));
  if (config.rslora && ranks.size > 1) {
    throw new Error("rsLoRA with per-layer ranks cannot be expressed with GGUF's single adapter.lora.alpha; use one rank");
  }
  const rank = [...ranks][0] ?? config.rank;
  const alpha = config.rslora ? config.alpha * Math.sqrt(rank) : config.alpha;
  const kvs: GgufKv[] = [
    { key: "general.type", type: GgufValueType.STRING, value: "adapter" },
    { key: "general.architecture", type: GgufValueType.STRING, value: architecture },
    { key: "adapter.type", type: GgufValueType.STRING, value: "lora" },
    { key: "adapter.lora.alpha", type: GgufValueType.FLOAT32, value: alpha },
  ];
  const tensors: GgufTensorToWrite[] = Object.entries(weights)
    .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
    .map(([name, w]) => {
      const [rows, cols] = w.shape as [number, number];
      // Our [rows, cols] transposed is [cols, rows] row-major, whose ggml ne is [rows, cols].
      return { name, dims: [rows, cols], type: GgmlType.F32, data: () => transpose2d(w.values, rows, cols) };
    });
  await writeGguf(path, kvs, tensors);
}
