import { readFile } from "node:fs/promises";
import { F16_TO_F32_TABLE } from "../gguf/half";
import { ExportError } from "./ExportError";

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Converted to float32 (F32, F16, BF16 files). */
  values: Float32Array;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsEntry>;
}

/** Reads a whole safetensors file (adapters are small); F32, F16 and BF16 tensors, as PEFT writes them. */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  const bytes = new Uint8Array(await readFile(path));
  return decodeSafetensors(bytes, path);
}

export function decodeSafetensors(bytes: Uint8Array, path: string): SafetensorsFile {
  const fail = (what: string) => new ExportError(`${path} is not a valid safetensors file: ${what}`);
  if (bytes.length < 8) throw fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw fail(`header length ${n} runs past the end of the ${bytes.length}-byte file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString("utf8")) as Record<string, unknown>;
  } catch (e) {
    throw fail(`header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + n;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = data_offsets;
    if (dataStart + end > bytes.length || begin > end) throw fail(`tensor ${name} has data_offsets [${begin}, ${end}] outside the data`);
    const raw = bytes.slice(dataStart + begin, dataStart + end);
    const width = dtype === "F32" ? 4 : dtype === "F16" || dtype === "BF16" ? 2 : 0;
    if (width === 0) throw new ExportError(`${path}: tensor ${name} has dtype ${dtype}; only F32, F16 and BF16 adapters can be read (re-save it in one of those)`);
    if (raw.length !== count * width) throw fail(`tensor ${name} (${dtype} [${shape.join(", ")}]) has ${raw.length} bytes, expected ${count * width}`);
    tensors.set(name, { dtype, shape, values: toF32(raw, dtype, count) });
  }
  return { metadata, tensors };
}

function toF32(raw: Uint8Array, dtype: string, count: number): Float32Array {
  if (dtype === "F32") return new Float32Array(raw.buffer, raw.byteOffset, count);
  const halves = new Uint16Array(raw.buffer, raw.byteOffset, count);
  const out = new Float32Array(count);
  if (dtype === "F16") {
    for (let i = 0; i < count; i++) out[i] = F16_TO_F32_TABLE[halves[i]!]!;
  } else {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = halves[i]! << 16;
  }
  return out;
}
