import { join } from "node:path";
import { GgmlType } from "../../electron/engine/gguf/ggmlType";
import { openGguf } from "../../electron/engine/gguf/GgufFile";
import { f32ToF16 } from "../../electron/engine/gguf/half";
import { tensorByteLength } from "../../electron/engine/gguf/tensorByteLength";
import { makeTinyModel } from "../../electron/engine/gguf/tiny/makeTinyModel";
import { writeGguf, type GgufTensorToWrite } from "../../electron/engine/gguf/writeGguf";
import { Rng } from "../../electron/engine/util/Rng";

/** Storage type of each projection: every block-quantized and half type the engine reads appears once. */
export const MIXED_TYPES: Record<string, number> = {
  attn_q: GgmlType.Q4_K,
  attn_k: GgmlType.Q5_K,
  attn_v: GgmlType.Q6_K,
  attn_output: GgmlType.Q4_0,
  ffn_gate: GgmlType.Q8_0,
  ffn_up: GgmlType.BF16,
  ffn_down: GgmlType.F16,
};

const RAW_TYPES: number[] = [GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q4_0];

/**
 * Random blocks of a quantized type (no quantizer for these types exists here) with their f16 scales set so that
 * the weights are about 0.02 in size: random scale bits could be huge or inf.
 */
export function randomQuantizedBlocks(type: number, dims: number[], rng: Rng): Uint8Array {
  const bytes = new Uint8Array(tensorByteLength(type, dims));
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.nextUint32() & 0xff;
  const f16 = (at: number, v: number) => {
    const h = f32ToF16(v * (0.5 + rng.float()));
    bytes[at] = h & 0xff;
    bytes[at + 1] = h >> 8;
  };
  const each = (size: number, f: (at: number) => void) => {
    for (let at = 0; at < bytes.length; at += size) f(at);
  };
  switch (type) {
    case GgmlType.Q4_K: // d*sc*q - dmin*m with sc, m < 64 and q < 16
    case GgmlType.Q5_K:
      each(type === GgmlType.Q4_K ? 144 : 176, (at) => {
        f16(at, 0.02 / (63 * 16));
        f16(at + 2, 0.01 / 63);
      });
      break;
    case GgmlType.Q6_K: // d*sc*q with |sc| < 128 and |q| <= 32, d last
      each(210, (at) => f16(at + 208, 0.02 / (127 * 32)));
      break;
    case GgmlType.Q4_0: // d*(q-8)
      each(18, (at) => f16(at, 0.02 / 8));
      break;
    default:
      throw new Error(`no random blocks for type ${type}`);
  }
  return bytes;
}

/**
 * The `small` llama preset (K-quants need widths that are multiples of 256) rewritten with one storage type per
 * projection (MIXED_TYPES); `embeddingType` for token_embd, and `untiedF16Head` adds an F16 output.weight.
 */
export async function writeMixedQuantModel(
  dir: string,
  name: string,
  options: { seed?: number; embeddingType?: number; untiedF16Head?: boolean } = {},
): Promise<string> {
  const base = join(dir, `${name}-base.gguf`);
  await makeTinyModel({ arch: "llama", preset: "small", out: base, seed: options.seed ?? 4 });
  const file = await openGguf(base);
  const rng = new Rng(31);
  const tensors: GgufTensorToWrite[] = [];
  for (const t of file.tensors) {
    const stem = t.name.split(".")[2] ?? "";
    const type = t.name.startsWith("blk.") && stem in MIXED_TYPES ? MIXED_TYPES[stem]! : t.name === "token_embd.weight" ? (options.embeddingType ?? GgmlType.F32) : GgmlType.F32;
    tensors.push({ name: t.name, dims: t.dims, type, data: RAW_TYPES.includes(type) ? randomQuantizedBlocks(type, t.dims, rng) : await file.readTensorF32(t.name) });
  }
  if (options.untiedF16Head) {
    const embd = file.tensor("token_embd.weight");
    const values = Float32Array.from({ length: embd.elementCount }, () => (rng.float() * 2 - 1) * 0.1);
    tensors.push({ name: "output.weight", dims: embd.dims, type: GgmlType.F16, data: values });
  }
  await file.close();
  const path = join(dir, `${name}.gguf`);
  await writeGguf(path, file.kvs, tensors);
  return path;
}
