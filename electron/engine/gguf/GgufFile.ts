/**
 * An open GGUF: metadata and tensor infos parsed up front, tensor data read per tensor on demand,
 * so a 4 GB model never sits in memory whole.
 */
import { bufferByteSource, fileByteSource, readFully, type GgufByteSource } from "./byteSource";
import { dequantize, isDequantizable } from "./dequantize";
import { InvalidGgufError, MissingMetadataKeyError, UnsupportedTensorTypeError } from "./errors";
import { readGgufLayout } from "./readGgufLayout";
import { GgufValueType, type GgufKv, type GgufScalar, type GgufTensorInfo } from "./types";

export async function openGguf(path: string): Promise<GgufFile> {
  return GgufFile.open(await fileByteSource(path));
}

/** Parses a GGUF held in memory; `name` stands in for the path in error messages. */
export async function openGgufBytes(bytes: Uint8Array, name: string): Promise<GgufFile> {
  return GgufFile.open(bufferByteSource(bytes, name));
}

export class GgufFile {
  readonly path: string;
  readonly version: number;
  readonly kvs: GgufKv[];
  readonly tensors: GgufTensorInfo[];
  readonly alignment: number;
  readonly dataOffset: number;
  readonly fileSize: number;
  private readonly kvByKey: Map<string, GgufKv>;
  private readonly tensorByName: Map<string, GgufTensorInfo>;

  /** Takes ownership of `source`: closes it if parsing fails, and on close(). */
  static async open(source: GgufByteSource): Promise<GgufFile> {
    try {
      return new GgufFile(source, await readGgufLayout(source));
    } catch (e) {
      await source.close();
      throw e;
    }
  }

  private constructor(
    private readonly source: GgufByteSource,
    layout: Awaited<ReturnType<typeof readGgufLayout>>,
  ) {
    this.path = source.path;
    this.fileSize = source.size;
    this.version = layout.version;
    this.kvs = layout.kvs;
    this.tensors = layout.tensors;
    this.alignment = layout.alignment;
    this.dataOffset = layout.dataOffset;
    this.kvByKey = new Map(layout.kvs.map((kv) => [kv.key, kv]));
    this.tensorByName = new Map(layout.tensors.map((t) => [t.name, t]));
  }

  has(key: string): boolean {
    return this.kvByKey.has(key);
  }

  /** Nested arrays (which llama.cpp rejects) are only in `kvs`; asking for one here throws. */
  value(key: string): GgufScalar | GgufScalar[] | undefined {
    const kv = this.kvByKey.get(key);
    if (kv === undefined) return undefined;
    if (kv.type === GgufValueType.ARRAY && kv.itemType === GgufValueType.ARRAY) {
      throw new InvalidGgufError(`${this.path}: metadata key "${key}" is a nested array; read it from kvs`);
    }
    return kv.value as GgufScalar | GgufScalar[];
  }

  string(key: string): string {
    const v = this.optionalString(key);
    if (v === undefined) throw MissingMetadataKeyError.forKey(key, this.path);
    return v;
  }

  optionalString(key: string): string | undefined {
    const kv = this.kvByKey.get(key);
    if (kv === undefined) return undefined;
    if (kv.type !== GgufValueType.STRING) throw this.wrongType(kv, "a string");
    return kv.value as string;
  }

  /** Any integer or float type; 64-bit integers only when they fit a double exactly. */
  number(key: string): number {
    const v = this.optionalNumber(key);
    if (v === undefined) throw MissingMetadataKeyError.forKey(key, this.path);
    return v;
  }

  optionalNumber(key: string): number | undefined {
    const kv = this.kvByKey.get(key);
    if (kv === undefined) return undefined;
    const v = kv.value;
    if (typeof v === "number") return v;
    if (typeof v === "bigint") {
      if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
      throw new InvalidGgufError(`${this.path}: metadata key "${key}" is ${v}, too large to use as a number`);
    }
    throw this.wrongType(kv, "a number");
  }

  tensor(name: string): GgufTensorInfo {
    const t = this.tensorByName.get(name);
    if (t === undefined) {
      throw new InvalidGgufError(`${this.path} has no tensor "${name}" (it has ${this.tensors.length} tensors); the model may be incomplete or of another architecture`);
    }
    return t;
  }

  hasTensor(name: string): boolean {
    return this.tensorByName.has(name);
  }

  async readTensorBytes(name: string): Promise<Uint8Array> {
    const t = this.tensor(name);
    const bytes = new Uint8Array(t.byteLength);
    await readFully(this.source, bytes, t.fileOffset, `tensor ${name}`);
    return bytes;
  }

  async readTensorF32(name: string): Promise<Float32Array> {
    const t = this.tensor(name);
    // Checked before reading, so an unsupported multi-gigabyte tensor costs nothing.
    if (!isDequantizable(t.type)) throw UnsupportedTensorTypeError.forTensor(name, t.type, this.path);
    return dequantize(t.type, await this.readTensorBytes(name), t.elementCount, name);
  }

  async close(): Promise<void> {
    await this.source.close();
  }

  private wrongType(kv: GgufKv, wanted: string): InvalidGgufError {
    const names = Object.entries(GgufValueType);
    const typeName = (id: number) => names.find(([, v]) => v === id)?.[0] ?? `type ${id}`;
    const stored = kv.type === GgufValueType.ARRAY ? `ARRAY of ${typeName(kv.itemType)}` : typeName(kv.type);
    return new InvalidGgufError(`${this.path}: metadata key "${kv.key}" is stored as ${stored}, not ${wanted}`);
  }
}
