import { writeFile, rename, rm } from "node:fs/promises";
import { f32ArrayToBf16, f32ArrayToF16 } from "../gguf/half";
import { ExportError } from "./ExportError";

export type SafetensorsDtype = "F32" | "F16" | "BF16";

export interface SafetensorsTensor {
  name: string;
  /** PyTorch shape, row-major. */
  shape: number[];
  /** Values in float32; written as `dtype`. */
  values: Float32Array;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/**
 * The bytes of a safetensors file (FORMATS.md): u64 LE header length N, N bytes of JSON padded with spaces to a
 * multiple of 8, then the tensors back to back in the order given, offsets relative to the data start,
 * contiguous from 0. `__metadata__` holds string values only.
 */
export function encodeSafetensors(tensors: SafetensorsTensor[], dtype: SafetensorsDtype, metadata: Record<string, string> = { format: "pt" }): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw new ExportError(`safetensors: tensor ${t.name} appears twice`);
    seen.add(t.name);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.values.length) throw new ExportError(`safetensors: tensor ${t.name} has shape [${t.shape.join(", ")}] but ${t.values.length} values`);
    const bytes = count * BYTES[dtype];
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Math.ceil(json.length / 8) * 8;
  json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    const data = encodeValues(t.values, dtype);
    out.set(data, at);
    at += data.length;
  }
  return out;
}

export async function writeSafetensors(path: string, tensors: SafetensorsTensor[], dtype: SafetensorsDtype, metadata?: Record<string, string>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, encodeSafetensors(tensors, dtype, metadata));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function encodeValues(values: Float32Array, dtype: SafetensorsDtype): Uint8Array {
  // Copies keep the output independent of the input's alignment (a Float32Array view may start anywhere).
  switch (dtype) {
    case "F32":
      return new Uint8Array(Float32Array.from(values).buffer);
    case "F16":
      return new Uint8Array(f32ArrayToF16(values).buffer);
    case "BF16":
      return new Uint8Array(f32ArrayToBf16(values).buffer);
    default:
      return dtype satisfies never;
  }
}
