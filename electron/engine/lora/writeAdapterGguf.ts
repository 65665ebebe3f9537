import { GgmlType, ggmlTypeName, type GgmlTypeId } from "../gguf/ggmlType";
import { GgufValueType, type GgufKv } from "../gguf/types";
import { writeGguf, type GgufTensorToWrite } from "../gguf/writeGguf";
import type { AdapterPair } from "./readAdapterPairs";

/** Tensor types a GGUF LoRA may be written in here (all of which llama.cpp's adapter loader accepts). */
export const ADAPTER_TYPES = ["F32", "F16", "Q8_0"] as const;
export type AdapterType = (typeof ADAPTER_TYPES)[number];

const TYPE_ID: Record<AdapterType, GgmlTypeId> = { F32: GgmlType.F32, F16: GgmlType.F16, Q8_0: GgmlType.Q8_0 };

/**
 * The type the adapter can really be written in: Q8_0 needs ne[0] % 32 == 0 for both tensors of every pair
 * (lora_a ne[0] = in, lora_b ne[0] = r), so a rank that is not a multiple of 32 keeps F16, with a note saying so.
 */
export function adapterTypeFor(pairs: AdapterPair[], wanted: AdapterType): { type: AdapterType; note: string | null } {
  if (wanted !== "Q8_0") return { type: wanted, note: null };
  const bad = pairs.find((p) => p.r % 32 !== 0 || p.inDim % 32 !== 0);
  if (!bad) return { type: "Q8_0", note: null };
  const what = bad.r % 32 !== 0 ? `rank ${bad.r} (${bad.baseName})` : `input width ${bad.inDim} of ${bad.baseName}`;
  return {
    type: "F16",
    note: `Q8_0 needs every LoRA tensor's first dimension to be a multiple of 32, and ${what} is not; wrote F16 instead (train with rank 32 or 64 to get Q8_0)`,
  };
}

/**
 * Writes PyTorch-layout pairs as a GGUF LoRA (FORMATS.md): general.type "adapter", the base's architecture,
 * adapter.lora.alpha as FLOAT32, <base>.lora_a with ne [in, r] and <base>.lora_b with ne [r, out].
 */
export async function writeAdapterGguf(path: string, pairs: AdapterPair[], alpha: number, architecture: string, type: AdapterType, extraKvs: GgufKv[] = []): Promise<void> {
  const kvs: GgufKv[] = [
    { key: "general.type", type: GgufValueType.STRING, value: "adapter" },
    { key: "general.architecture", type: GgufValueType.STRING, value: architecture },
    { key: "adapter.type", type: GgufValueType.STRING, value: "lora" },
    { key: "adapter.lora.alpha", type: GgufValueType.FLOAT32, value: alpha },
    ...extraKvs,
  ];
  const id = TYPE_ID[type];
  const tensors: GgufTensorToWrite[] = pairs.flatMap((p) => [
    { name: `${p.baseName}.lora_a`, dims: [p.inDim, p.r], type: id, data: p.a },
    { name: `${p.baseName}.lora_b`, dims: [p.r, p.outDim], type: id, data: p.b },
  ]);
  await writeGguf(path, kvs, tensors);
}

export function adapterTypeName(type: AdapterType): string {
  return ggmlTypeName(TYPE_ID[type]);
}
