/**
 * Writes a GGUF v3 file that llama.cpp loads: tensor data in info order, each at the padded sum of the
 * previous sizes, zero-padded to the alignment. Written to a temporary name and renamed, so a crash never
 * leaves a half-written model under the real name.
 */
import { open, rename, rm } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { encodeGgufHeader } from "./encodeGgufHeader";
import { GgufError, InvalidGgufError } from "./errors";
import { ggmlTypeName, type GgmlTypeId } from "./ggmlType";
import { quantize } from "./quantize";
import { DEFAULT_ALIGNMENT, alignUp } from "./readGgufLayout";
import { tensorByteLength, tensorElementCount } from "./tensorByteLength";
import { GgufValueType, type GgufKv } from "./types";

export interface GgufTensorToWrite {
  name: string;
  /** ggml `ne` order. */
  dims: number[];
  type: GgmlTypeId;
  /**
   * Float32 values (the writer converts them to `type`), or raw bytes already encoded in `type` (any type, e.g.
   * random Q4_K blocks). A function is called when that tensor is written, so big models stream without holding
   * every tensor in memory; it may return a promise (e.g. `() => source.readTensorBytes(name)`).
   */
  data: Float32Array | Uint8Array | (() => Float32Array | Uint8Array | Promise<Float32Array | Uint8Array>);
}

/** llama.cpp's GGML_MAX_NAME: names must be shorter, including the terminating NUL. */
const MAX_NAME_BYTES = 63;

export async function writeGguf(path: string, kvs: GgufKv[], tensors: GgufTensorToWrite[]): Promise<void> {
  const alignment = alignmentOf(path, kvs);
  checkUnique(path, "metadata key", kvs.map((kv) => kv.key));
  checkUnique(path, "tensor name", tensors.map((t) => t.name));
  const sizes = tensors.map((t) => checkTensor(path, t));
  const offsets: number[] = [];
  let dataSize = 0;
  for (const size of sizes) {
    offsets.push(dataSize);
    dataSize = alignUp(dataSize + size, alignment);
  }
  const header = encodeGgufHeader(
    path,
    kvs,
    tensors.map((t, i) => ({ name: t.name, dims: t.dims, type: t.type, offset: offsets[i]! })),
  );

  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, "w");
  try {
    const w = new SequentialWriter(fh);
    await w.write(header);
    await w.write(new Uint8Array(alignUp(header.length, alignment) - header.length));
    for (let i = 0; i < tensors.length; i++) {
      const t = tensors[i]!;
      const bytes = encodeTensor(path, t, typeof t.data === "function" ? await t.data() : t.data, sizes[i]!);
      await w.write(bytes);
      await w.write(new Uint8Array(alignUp(sizes[i]!, alignment) - sizes[i]!));
    }
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
}

class SequentialWriter {
  private position = 0;
  constructor(private readonly fh: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }
}

function alignmentOf(path: string, kvs: GgufKv[]): number {
  const kv = kvs.find((k) => k.key === "general.alignment");
  if (kv === undefined) return DEFAULT_ALIGNMENT;
  const v = kv.value;
  // llama.cpp reads it with gguf_get_val_u32, which aborts on any other type.
  if (kv.type !== GgufValueType.UINT32 || typeof v !== "number" || !Number.isInteger(v) || v <= 0 || (v & (v - 1)) !== 0) {
    throw new InvalidGgufError(`writing ${path}: general.alignment must be a UINT32 power of two, got ${String(v)} (type id ${kv.type})`);
  }
  return v;
}

function checkUnique(path: string, what: string, names: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new InvalidGgufError(`writing ${path}: ${what} "${n}" appears twice; llama.cpp rejects such files`);
    seen.add(n);
  }
}

/** Validates what can be checked before writing anything; returns the tensor's byte length. */
function checkTensor(path: string, t: GgufTensorToWrite): number {
  const nameBytes = Buffer.byteLength(t.name, "utf8");
  if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES) {
    throw new InvalidGgufError(`writing ${path}: tensor name "${t.name}" is ${nameBytes} bytes; llama.cpp needs 1 to ${MAX_NAME_BYTES}`);
  }
  if (t.dims.length < 1 || t.dims.length > 4) {
    throw new InvalidGgufError(`writing ${path}: tensor ${t.name} has ${t.dims.length} dims [${t.dims.join(", ")}]; GGUF allows 1 to 4`);
  }
  try {
    return tensorByteLength(t.type, t.dims, t.name);
  } catch (e) {
    if (e instanceof InvalidGgufError) throw new InvalidGgufError(`writing ${path}: ${e.message}`);
    throw e;
  }
}

function encodeTensor(path: string, t: GgufTensorToWrite, data: unknown, size: number): Uint8Array {
  if (data instanceof Float32Array) {
    const count = tensorElementCount(t.dims, t.name);
    if (data.length !== count) {
      throw new InvalidGgufError(`writing ${path}: tensor ${t.name} [${t.dims.join(", ")}] needs ${count} values, got ${data.length}`);
    }
    try {
      return quantize(t.type, data, t.name);
    } catch (e) {
      if (e instanceof GgufError) throw new (e.constructor as typeof GgufError)(`writing ${path}: ${e.message}`);
      throw e;
    }
  }
  if (data instanceof Uint8Array) {
    if (data.length !== size) {
      throw new InvalidGgufError(
        `writing ${path}: tensor ${t.name} (${ggmlTypeName(t.type)} [${t.dims.join(", ")}]) needs ${size} bytes, got ${data.length}`,
      );
    }
    return data;
  }
  throw new InvalidGgufError(`writing ${path}: tensor ${t.name} data must be a Float32Array or Uint8Array`);
}
