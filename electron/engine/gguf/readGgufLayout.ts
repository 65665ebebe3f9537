/** Parses a GGUF's header, metadata and tensor infos (not the tensor data); see FORMATS.md. */
import { GgufChunkReader } from "./GgufChunkReader";
import type { GgufByteSource } from "./byteSource";
import { InvalidGgufError, NotGgufError, TruncatedGgufError, UnsupportedGgufVersionError } from "./errors";
import { ggmlTypeName } from "./ggmlType";
import { tensorByteLength, tensorElementCount } from "./tensorByteLength";
import { GgufValueType, type GgufKv, type GgufNestedArray, type GgufScalar, type GgufTensorInfo, type GgufValueTypeId } from "./types";

export interface GgufLayout {
  version: number;
  kvs: GgufKv[];
  tensors: GgufTensorInfo[];
  alignment: number;
  dataOffset: number;
}

export const GGUF_MAGIC = 0x46554747;
export const DEFAULT_ALIGNMENT = 32;
/** gguf-py nests freely; a bound keeps a corrupt file from recursing the stack away. */
const MAX_ARRAY_DEPTH = 8;
/** Smallest encoding of one value of each type (an array: u32 type + u64 count). */
const MIN_VALUE_BYTES = [1, 1, 2, 2, 4, 4, 4, 1, 8, 12, 8, 8, 8];

export async function readGgufLayout(source: GgufByteSource): Promise<GgufLayout> {
  const r = new GgufChunkReader(source);
  const path = source.path;
  if (source.size < 4 || (await readMagic(r)) !== GGUF_MAGIC) {
    const magic = new Uint8Array(Math.min(4, source.size));
    if (magic.length > 0) await source.read(magic, 0, magic.length, 0);
    throw NotGgufError.forMagic(path, magic);
  }
  await r.need(4, "the version");
  const version = r.u32();
  if (version !== 2 && version !== 3) throw UnsupportedGgufVersionError.forVersion(path, version);
  await r.need(16, "the tensor and metadata counts");
  const tensorCount = r.u64Bounded("the tensor count", 8 + 4 + 4 + 8);
  const kvCount = r.u64Bounded("the metadata key-value count", 8 + 4 + 1);

  const kvs: GgufKv[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < kvCount; i++) {
    const keyAt = r.pos;
    const key = await r.string(`metadata key #${i}`);
    if (keys.has(key)) throw new InvalidGgufError(`${path}: metadata key "${key}" appears twice (second at offset ${keyAt}); the file is corrupt`);
    keys.add(key);
    await r.need(4, `the type of metadata key "${key}"`);
    const type = valueType(r.u32(), key, path);
    if (type === GgufValueType.ARRAY) {
      const arr = await readArray(r, key, 0);
      kvs.push({ key, type, ...arr } as GgufKv);
    } else {
      kvs.push({ key, type, value: await readScalar(r, type, key) });
    }
  }

  const alignment = alignmentOf(kvs, path);
  const tensors: GgufTensorInfo[] = [];
  const relOffsets: number[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = await r.string(`the name of tensor #${i}`);
    if (names.has(name)) throw new InvalidGgufError(`${path}: tensor name "${name}" appears twice; the file is corrupt`);
    names.add(name);
    await r.need(4, `the dimension count of tensor ${name}`);
    const nDims = r.u32();
    if (nDims > 4) throw new InvalidGgufError(`${path}: tensor ${name} has ${nDims} dimensions; GGUF allows at most 4`);
    await r.need(8 * nDims + 12, `the shape, type and offset of tensor ${name}`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(safeNumber(r.u64(), `dimension ${d} of tensor ${name}`, path));
    const type = r.u32();
    const offset = safeNumber(r.u64(), `the data offset of tensor ${name}`, path);
    const elementCount = withPath(path, () => tensorElementCount(dims, name));
    const byteLength = withPath(path, () => tensorByteLength(type, dims, name));
    relOffsets.push(offset);
    tensors.push({ name, dims, type, fileOffset: 0, byteLength, elementCount });
  }

  const dataOffset = alignUp(r.pos, alignment);
  let prevEnd = 0;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i]!;
    const offset = relOffsets[i]!;
    if (offset % alignment !== 0) {
      throw new InvalidGgufError(`${path}: tensor ${t.name} has data offset ${offset}, not a multiple of the alignment ${alignment}; the file is corrupt`);
    }
    if (offset < prevEnd) {
      throw new InvalidGgufError(
        `${path}: tensor ${t.name} has data offset ${offset}, before the end (${prevEnd}) of the previous tensor's data; ` +
          "offsets must follow the tensor order; the file is corrupt",
      );
    }
    prevEnd = offset + t.byteLength;
    t.fileOffset = dataOffset + offset;
    if (t.fileOffset + t.byteLength > source.size) {
      throw TruncatedGgufError.forRead(path, `tensor ${t.name} (${ggmlTypeName(t.type)} [${t.dims.join(", ")}], ${t.byteLength} bytes)`, t.fileOffset + t.byteLength, source.size);
    }
  }
  return { version, kvs, tensors, alignment, dataOffset };
}

async function readMagic(r: GgufChunkReader): Promise<number> {
  await r.need(4, "the magic bytes");
  return r.u32();
}

function valueType(id: number, key: string, path: string): GgufValueTypeId {
  if (id > 12) throw new InvalidGgufError(`${path}: metadata key "${key}" has value type id ${id}; valid ids are 0 to 12; the file is corrupt`);
  return id as GgufValueTypeId;
}

async function readScalar(r: GgufChunkReader, type: Exclude<GgufValueTypeId, 9>, key: string): Promise<GgufScalar> {
  if (type === GgufValueType.STRING) return r.string(`the value of "${key}"`);
  const size = MIN_VALUE_BYTES[type]!;
  if (!r.has(size)) await r.need(size, `the value of "${key}"`);
  return scalarSync(r, type);
}

/** Reads one fixed-size scalar; the caller has made its bytes available. */
function scalarSync(r: GgufChunkReader, type: Exclude<GgufValueTypeId, 8 | 9>): GgufScalar {
  switch (type) {
    case GgufValueType.UINT8:
      return r.u8();
    case GgufValueType.INT8:
      return r.i8();
    case GgufValueType.UINT16:
      return r.u16();
    case GgufValueType.INT16:
      return r.i16();
    case GgufValueType.UINT32:
      return r.u32();
    case GgufValueType.INT32:
      return r.i32();
    case GgufValueType.FLOAT32:
      return r.f32();
    case GgufValueType.BOOL:
      return r.u8() !== 0;
    case GgufValueType.UINT64:
      return r.u64();
    case GgufValueType.INT64:
      return r.i64();
    case GgufValueType.FLOAT64:
      return r.f64();
    default:
      return type satisfies never;
  }
}

async function readArray(r: GgufChunkReader, key: string, depth: number): Promise<GgufNestedArray> {
  if (depth >= MAX_ARRAY_DEPTH) throw new InvalidGgufError(`${r.source.path}: metadata key "${key}" nests arrays deeper than ${MAX_ARRAY_DEPTH} levels; the file is corrupt`);
  await r.need(12, `the array header of "${key}"`);
  const itemType = valueType(r.u32(), key, r.source.path);
  const count = r.u64Bounded(`the array length of "${key}"`, MIN_VALUE_BYTES[itemType]!);
  if (itemType === GgufValueType.ARRAY) {
    const value: GgufNestedArray[] = [];
    for (let i = 0; i < count; i++) value.push(await readArray(r, key, depth + 1));
    return { itemType, value };
  }
  const value: GgufScalar[] = new Array(count);
  if (itemType === GgufValueType.STRING) {
    // The vocabulary lives here: stay synchronous while the chunk lasts.
    const what = `an item of "${key}"`;
    for (let i = 0; i < count; i++) {
      if (!r.has(8)) await r.need(8, what);
      const len = r.u64Bounded(`the length of ${what}`, 1);
      if (!r.has(len)) await r.need(len, what);
      value[i] = r.utf8(len);
    }
  } else {
    const size = MIN_VALUE_BYTES[itemType]!;
    for (let i = 0; i < count; i++) {
      if (!r.has(size)) await r.need(size, `item ${i} of "${key}"`);
      value[i] = scalarSync(r, itemType);
    }
  }
  return { itemType, value };
}

function alignmentOf(kvs: GgufKv[], path: string): number {
  const kv = kvs.find((k) => k.key === "general.alignment");
  if (kv === undefined) return DEFAULT_ALIGNMENT;
  const v = kv.value;
  const n = typeof v === "bigint" ? Number(v) : v;
  if (kv.type === GgufValueType.ARRAY || typeof n !== "number" || !Number.isInteger(n) || n <= 0 || (n & (n - 1)) !== 0 || n > 2 ** 30) {
    throw new InvalidGgufError(`${path}: general.alignment is ${String(v)}; it must be a power of two (default 32); the file is corrupt`);
  }
  return n;
}

function safeNumber(v: bigint, what: string, path: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidGgufError(`${path}: ${what} is ${v}, too large for any real file; the file is corrupt`);
  return Number(v);
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** Tensor-size errors come from a path-free helper; add the file so the user knows which one. */
function withPath<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidGgufError) throw new InvalidGgufError(`${path}: ${e.message}`);
    throw e;
  }
}
