import { openGguf } from "../gguf/GgufFile";
import { PROJECTION_TENSOR, type Projection } from "../model/ModelWeights";
import { LoraFileError } from "./LoraFileError";

/** One LoRA pair in PyTorch layout (the byte layout of GGUF and PEFT alike): A [r, in], B [out, r], row-major. */
export interface AdapterPair {
  layer: number;
  proj: Projection;
  /** GGUF base tensor, e.g. blk.3.attn_q.weight. */
  baseName: string;
  r: number;
  inDim: number;
  outDim: number;
  a: Float32Array;
  b: Float32Array;
}

export interface AdapterPairs {
  architecture: string;
  /** adapter.lora.alpha as stored: llama.cpp scales each pair by alpha / r (rsLoRA already folded in). */
  alpha: number;
  pairs: AdapterPair[];
}

const PROJECTION_BY_STEM = new Map(Object.entries(PROJECTION_TENSOR).map(([p, stem]) => [stem, p as Projection]));

/** Reads a GGUF LoRA (ours or llama.cpp's converter's) as PyTorch-layout pairs, sorted by layer then projection. */
export async function readAdapterPairs(path: string): Promise<AdapterPairs> {
  const file = await openGguf(path);
  try {
    if (file.optionalString("general.type") !== "adapter" || file.optionalString("adapter.type") !== "lora") {
      throw new LoraFileError(`${path} is not a GGUF LoRA adapter (general.type "${file.optionalString("general.type") ?? "missing"}"); give the adapter.gguf of a run`);
    }
    const halves = new Map<string, { a?: { dims: number[]; values: Float32Array }; b?: { dims: number[]; values: Float32Array } }>();
    for (const t of file.tensors) {
      const m = /^(blk\.(\d+)\.([a-z_]+)\.weight)\.lora_(a|b)$/.exec(t.name);
      if (!m || !PROJECTION_BY_STEM.has(m[3]!)) throw new LoraFileError(`${path}: tensor ${t.name} is not the LoRA of a supported projection (${[...PROJECTION_BY_STEM.keys()].join(", ")})`);
      if (t.dims.length !== 2) throw new LoraFileError(`${path}: tensor ${t.name} has ${t.dims.length} dimensions, expected 2`);
      const entry = halves.get(m[1]!) ?? {};
      entry[m[4] as "a" | "b"] = { dims: t.dims, values: await file.readTensorF32(t.name) };
      halves.set(m[1]!, entry);
    }
    const pairs: AdapterPair[] = [];
    for (const [baseName, { a, b }] of halves) {
      if (!a || !b) throw new LoraFileError(`${path}: ${baseName} has lora_${a ? "a" : "b"} but no lora_${a ? "b" : "a"}`);
      const [inDim, r] = a.dims as [number, number];
      const [rb, outDim] = b.dims as [number, number];
      if (rb !== r) throw new LoraFileError(`${path}: ${baseName}.lora_a has rank ${r} but lora_b has rank ${rb}`);
      const m = /^blk\.(\d+)\.([a-z_]+)\.weight$/.exec(baseName)!;
      pairs.push({ layer: Number(m[1]), proj: PROJECTION_BY_STEM.get(m[2]!)!, baseName, r, inDim, outDim, a: a.values, b: b.values });
    }
    pairs.sort((x, y) => x.layer - y.layer || x.baseName.localeCompare(y.baseName));
    return { architecture: file.string("general.architecture"), alpha: file.number("adapter.lora.alpha"), pairs };
  } finally {
    await file.close();
  }
}

/** The factor llama.cpp multiplies B·A by at user scale 1: alpha / r, or 1 when alpha is 0. */
export function ggufPairScale(alpha: number, r: number): number {
  return alpha === 0 ? 1 : alpha / r;
}
