import { openGguf } from "../gguf/GgufFile";
import { PROJECTION_TENSOR, type Projection } from "../model/ModelWeights";
import type { LoraWeights } from "./LoraAdapter";
import { transpose2d } from "../util/transpose2d";

export interface LoadedLora {
  architecture: string;
  /** adapter.lora.alpha as stored (llama.cpp scales each pair by alpha / its rank). */
  alpha: number;
  /** In our layout: <base>.lora_a [in, r], <base>.lora_b [r, out]. */
  weights: LoraWeights;
  /** The adapted projections, layers and their ranks. */
  pairs: { layer: number; proj: Projection; baseName: string; rank: number }[];
}

const PROJECTION_BY_TENSOR = new Map(Object.entries(PROJECTION_TENSOR).map(([p, t]) => [t, p as Projection]));

/**
 * Reads a GGUF LoRA adapter (ours or one llama.cpp's converter wrote) back into trainable-layout weights.
 * Errors name the file and the offending tensor.
 */
export async function readLoraGguf(path: string): Promise<LoadedLora> {
  const file = await openGguf(path);
  try {
    const type = file.optionalString("general.type");
    if (type !== "adapter" || file.optionalString("adapter.type") !== "lora") {
      throw new Error(`${path} is not a GGUF LoRA adapter (general.type "${type ?? "missing"}", adapter.type "${file.optionalString("adapter.type") ?? "missing"}")`);
    }
    const weights: LoraWeights = {};
    const pairs: LoadedLora["pairs"] = [];
    for (const t of file.tensors) {
      const m = /^blk\.(\d+)\.([a-z_]+)\.weight\.lora_(a|b)$/.exec(t.name);
      const proj = m ? PROJECTION_BY_TENSOR.get(m[2]!) : undefined;
      if (!m || !proj) throw new Error(`${path}: tensor ${t.name} is not a LoRA tensor of a supported projection (${[...PROJECTION_BY_TENSOR.keys()].join(", ")})`);
      if (t.dims.length !== 2) throw new Error(`${path}: tensor ${t.name} has ${t.dims.length} dimensions, expected 2`);
      const [ne0, ne1] = t.dims as [number, number];
      const values = await file.readTensorF32(t.name);
      // ggml ne [ne0, ne1] is row-major [ne1, ne0]; our variables are its transpose, [ne0, ne1].
      weights[t.name] = { shape: [ne0, ne1], values: transpose2d(values, ne1, ne0) };
      if (m[3] === "a") pairs.push({ layer: Number(m[1]), proj, baseName: `blk.${m[1]}.${m[2]}.weight`, rank: ne1 });
    }
    for (const p of pairs) {
      if (!weights[`${p.baseName}.lora_b`]) throw new Error(`${path}: ${p.baseName}.lora_a has no matching lora_b`);
      const bRank = weights[`${p.baseName}.lora_b`]!.shape[0];
      if (bRank !== p.rank) throw new Error(`${path}: ${p.baseName}.lora_a has rank ${p.rank} but lora_b has rank ${bRank}`);
    }
    if (pairs.length * 2 !== Object.keys(weights).length) throw new Error(`${path}: some lora_b tensors have no matching lora_a`);
    return { architecture: file.string("general.architecture"), alpha: file.number("adapter.lora.alpha"), weights, pairs };
  } finally {
    await file.close();
  }
}
