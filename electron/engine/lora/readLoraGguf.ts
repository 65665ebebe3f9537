import type { Projection } from "../model/ModelWeights";
import { transpose2d } from "../util/transpose2d";
import type { LoraWeights } from "./LoraAdapter";
import { readAdapterPairs } from "./readAdapterPairs";

export interface LoadedLora {
  architecture: string;
  /** adapter.lora.alpha as stored (llama.cpp scales each pair by alpha / its rank). */
  alpha: number;
  /** In our trainable layout: <base>.lora_a [in, r], <base>.lora_b [r, out]. */
  weights: LoraWeights;
  /** The adapted projections, layers and their ranks. */
  pairs: { layer: number; proj: Projection; baseName: string; rank: number }[];
}

/** Reads a GGUF LoRA adapter (ours or one llama.cpp's converter wrote) into the layout LoraAdapter trains in. */
export async function readLoraGguf(path: string): Promise<LoadedLora> {
  const { architecture, alpha, pairs } = await readAdapterPairs(path);
  const weights: LoraWeights = {};
  for (const p of pairs) {
    // PyTorch A [r, in] and B [out, r] are the transposes of our A [in, r] and B [r, out].
    weights[`${p.baseName}.lora_a`] = { shape: [p.inDim, p.r], values: transpose2d(p.a, p.r, p.inDim) };
    weights[`${p.baseName}.lora_b`] = { shape: [p.r, p.outDim], values: transpose2d(p.b, p.outDim, p.r) };
  }
  return { architecture, alpha, weights, pairs: pairs.map((p) => ({ layer: p.layer, proj: p.proj, baseName: p.baseName, rank: p.r })) };
}
