import { PROJECTION_TENSOR, type Projection } from "../model/ModelWeights";
import { transpose2d } from "../util/transpose2d";
import type { LoraConfig } from "./LoraConfig";
import type { LoraWeights } from "./LoraAdapter";
import type { AdapterPair } from "./readAdapterPairs";
import { writeAdapterGguf } from "./writeAdapterGguf";

const PROJECTION_BY_TENSOR = new Map(Object.entries(PROJECTION_TENSOR).map(([p, t]) => [t, p as Projection]));

/**
 * Writes trained adapter weights as an F32 GGUF LoRA that llama.cpp loads (FORMATS.md). Our variables are
 * A [in, r] and B [r, out] (x @ A @ B); the file holds PyTorch's A [r, in] and B [out, r], so both are transposed.
 */
export async function writeLoraGguf(path: string, weights: LoraWeights, config: LoraConfig, architecture: string): Promise<void> {
  const pairs: AdapterPair[] = [];
  for (const [name, a] of Object.entries(weights)) {
    const m = /^(blk\.(\d+)\.([a-z_]+)\.weight)\.lora_a$/.exec(name);
    if (!m) continue;
    const b = weights[`${m[1]}.lora_b`];
    if (!b) throw new Error(`adapter weights have ${name} but no ${m[1]}.lora_b`);
    const [inDim, r] = a.shape as [number, number];
    const outDim = b.shape[1]!;
    pairs.push({ layer: Number(m[2]), proj: PROJECTION_BY_TENSOR.get(m[3]!)!, baseName: m[1]!, r, inDim, outDim, a: transpose2d(a.values, inDim, r), b: transpose2d(b.values, r, outDim) });
  }
  pairs.sort((x, y) => x.layer - y.layer || x.baseName.localeCompare(y.baseName));
  // llama.cpp scales by alpha / r with r from each tensor; rsLoRA's alpha / sqrt(r) equals (alpha * sqrt(r)) / r.
  const ranks = new Set(pairs.map((p) => p.r));
  if (config.rslora && ranks.size > 1) {
    throw new Error("rsLoRA with per-layer ranks cannot be expressed with GGUF's single adapter.lora.alpha; use one rank");
  }
  const rank = [...ranks][0] ?? config.rank;
  await writeAdapterGguf(path, pairs, config.rslora ? config.alpha * Math.sqrt(rank) : config.alpha, architecture, "F32");
}
