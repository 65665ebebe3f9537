/** Encodes a GGUF v3 header, metadata and tensor infos, checking each value fits its declared type. */
import { ByteBuilder } from "./ByteBuilder";
import { InvalidGgufError } from "./errors";
import { GgufValueType, type GgufKv, type GgufNestedArray, type GgufScalar, type GgufValueTypeId } from "./types";
import { GGUF_MAGIC } from "./readGgufLayout";

export interface TensorInfoToEncode {
  name: string;
  dims: readonly number[];
  type: number;
  /** Relative to the data section. */
  offset: number;
}

/** Returns the header bytes, not yet padded to the alignment. `path` only names the file in errors. */
export function encodeGgufHeader(path: string, kvs: readonly GgufKv[], tensors: readonly TensorInfoToEncode[]): Uint8Array {
  const b = new ByteBuilder();
  b.u32(GGUF_MAGIC);
  b.u32(3);
  b.u64(tensors.length);
  b.u64(kvs.length);
  for (const kv of kvs) {
    b.string(kv.key);
    b.u32(kv.type);
    if (kv.type === GgufValueType.ARRAY) writeArray(b, path, kv.key, kv.itemType, kv.value, 0);
    else writeScalar(b, path, kv.key, kv.type, kv.value);
  }
  for (const t of tensors) {
    b.string(t.name);
    b.u32(t.dims.length);
    for (const d of t.dims) b.u64(d);
    b.u32(t.type);
    b.u64(t.offset);
  }
  return b.bytes();
}

function writeArray(b: ByteBuilder, path: string, key: string, itemType: GgufValueTypeId, value: readonly unknown[], depth: number): void {
  if (!Array.isArray(value)) throw bad(path, key, value, "an array");
  b.u32(itemType);
  b.u64(value.length);
  if (itemType === GgufValueType.ARRAY) {
    if (depth >= 7) throw new InvalidGgufError(`writing ${path}: metadata key "${key}" nests arrays too deeply`);
    for (const item of value as GgufNestedArray[]) writeArray(b, path, key, item.itemType, item.value, depth + 1);
  } else {
    for (const item of value) writeScalar(b, path, key, itemType, item as GgufScalar);
  }
}

const INT_RANGES: Partial<Record<GgufValueTypeId, [number, number]>> = {
  [GgufValueType.UINT8]: [0, 0xff],
  [GgufValueType.INT8]: [-0x80, 0x7f],
  [GgufValueType.UINT16]: [0, 0xffff],
  [GgufValueType.INT16]: [-0x8000, 0x7fff],
  [GgufValueType.UINT32]: [0, 0xffffffff],
  [GgufValueType.INT32]: [-0x80000000, 0x7fffffff],
};

function writeScalar(b: ByteBuilder, path: string, key: string, type: GgufValueTypeId, v: GgufScalar): void {
  switch (type) {
    case GgufValueType.UINT8:
    case GgufValueType.INT8:
    case GgufValueType.UINT16:
    case GgufValueType.INT16:
    case GgufValueType.UINT32:
    case GgufValueType.INT32: {
      const [lo, hi] = INT_RANGES[type]!;
      if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw bad(path, key, v, `an integer in [${lo}, ${hi}]`);
      if (type === GgufValueType.UINT8) b.u8(v);
      else if (type === GgufValueType.INT8) b.i8(v);
      else if (type === GgufValueType.UINT16) b.u16(v);
      else if (type === GgufValueType.INT16) b.i16(v);
      else if (type === GgufValueType.UINT32) b.u32(v);
      else b.i32(v);
      return;
    }
    case GgufValueType.UINT64:
    case GgufValueType.INT64: {
      const unsigned = type === GgufValueType.UINT64;
      const big = typeof v === "bigint" ? v : typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : undefined;
      const [lo, hi] = unsigned ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (big === undefined || big < lo || big > hi) throw bad(path, key, v, `a ${unsigned ? "UINT64" : "INT64"} (bigint or safe integer)`);
      if (unsigned) b.u64(big);
      else b.i64(big);
      return;
    }
    case GgufValueType.FLOAT32:
    case GgufValueType.FLOAT64:
      if (typeof v !== "number") throw bad(path, key, v, "a number");
      if (type === GgufValueType.FLOAT32) b.f32(v);
      else b.f64(v);
      return;
    case GgufValueType.BOOL:
      if (typeof v !== "boolean") throw bad(path, key, v, "a boolean");
      b.u8(v ? 1 : 0);
      return;
    case GgufValueType.STRING:
      if (typeof v !== "string") throw bad(path, key, v, "a string");
      b.string(v);
      return;
    case GgufValueType.ARRAY:
      throw bad(path, key, v, "a scalar (arrays need type ARRAY with itemType)");
    default:
      throw new InvalidGgufError(`writing ${path}: metadata key "${key}" has value type id ${String(type satisfies never)}; valid ids are 0 to 12`);
  }
}

function bad(path: string, key: string, v: unknown, wanted: string): InvalidGgufError {
  const shown = typeof v === "bigint" ? `${v}n` : typeof v === "string" ? JSON.stringify(v.slice(0, 80)) : String(v);
  return new InvalidGgufError(`writing ${path}: metadata key "${key}" has value ${shown}; its declared type needs ${wanted}`);
}
