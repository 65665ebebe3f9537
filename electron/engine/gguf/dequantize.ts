/**
 * Tensor bytes -> f32, exactly as ggml-quants.c's dequantize_row_* (see FORMATS.md).
 * Every product in these formats is exact in f32 (an f16 scale times a small integer), and the one
 * subtraction (K-quant mins) spans < 53 bits, so computing in doubles and storing to a Float32Array
 * rounds once, to the same float as C.
 * Note: the typed-array views assume a little-endian host, as every platform Electron ships on is.
 */
import { InvalidGgufError, UnsupportedTensorTypeError } from "./errors";
import { GgmlType, ggmlTypeName, ggmlTypeTraits, type GgmlTypeId } from "./ggmlType";
import { dequantizeQ4K, dequantizeQ5K, dequantizeQ6K } from "./dequantizeKQuants";
import { F16_TO_F32_TABLE } from "./half";

export function dequantize(type: GgmlTypeId, bytes: Uint8Array, elementCount: number, tensorName?: string): Float32Array {
  const traits = ggmlTypeTraits(type);
  if (traits === undefined || !isDequantizable(type)) throw UnsupportedTensorTypeError.forTensor(tensorName, type);
  const name = tensorName ?? "(unnamed)";
  if (!Number.isSafeInteger(elementCount) || elementCount < 0 || elementCount % traits.blockSize !== 0) {
    throw new InvalidGgufError(
      `tensor ${name}: element count ${elementCount} is not a multiple of ${traits.name}'s block size ${traits.blockSize}`,
    );
  }
  const blocks = elementCount / traits.blockSize;
  const expected = blocks * traits.typeSize;
  if (bytes.length !== expected) {
    throw new InvalidGgufError(
      `tensor ${name}: ${elementCount} ${traits.name} elements need ${expected} bytes, got ${bytes.length}`,
    );
  }
  const out = new Float32Array(elementCount);
  switch (type) {
    case GgmlType.F32:
      new Uint8Array(out.buffer).set(bytes);
      break;
    case GgmlType.F16:
      dequantizeF16(aligned(bytes, 2), out);
      break;
    case GgmlType.BF16:
      dequantizeBf16(aligned(bytes, 2), out);
      break;
    case GgmlType.Q8_0:
      dequantizeQ8_0(bytes, out, blocks);
      break;
    case GgmlType.Q4_0:
      dequantizeQ4_0(bytes, out, blocks);
      break;
    case GgmlType.Q4_K:
      dequantizeQ4K(bytes, out, blocks);
      break;
    case GgmlType.Q5_K:
      dequantizeQ5K(bytes, out, blocks);
      break;
    case GgmlType.Q6_K:
      dequantizeQ6K(bytes, out, blocks);
      break;
    default:
      throw new Error(`unreachable: ${ggmlTypeName(type)} passed isDequantizable`);
  }
  return out;
}

export function isDequantizable(type: GgmlTypeId): boolean {
  switch (type) {
    case GgmlType.F32:
    case GgmlType.F16:
    case GgmlType.BF16:
    case GgmlType.Q8_0:
    case GgmlType.Q4_0:
    case GgmlType.Q4_K:
    case GgmlType.Q5_K:
    case GgmlType.Q6_K:
      return true;
    default:
      return false;
  }
}

/** A Uint16Array view needs an even byte offset; copy the rare odd-offset slice. */
function aligned(bytes: Uint8Array, alignment: number): Uint8Array {
  return bytes.byteOffset % alignment === 0 ? bytes : bytes.slice();
}

function dequantizeF16(bytes: Uint8Array, out: Float32Array): void {
  const src = new Uint16Array(bytes.buffer, bytes.byteOffset, out.length);
  const table = F16_TO_F32_TABLE;
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!;
}

function dequantizeBf16(bytes: Uint8Array, out: Float32Array): void {
  const src = new Uint16Array(bytes.buffer, bytes.byteOffset, out.length);
  const dst = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) dst[i] = src[i]! << 16;
}

function dequantizeQ8_0(src: Uint8Array, out: Float32Array, blocks: number): void {
  const table = F16_TO_F32_TABLE;
  for (let b = 0, o = 0, y = 0; b < blocks; b++, o += 34) {
    const d = table[src[o]! | (src[o + 1]! << 8)]!;
    for (let j = 0; j < 32; j++) out[y++] = d * ((src[o + 2 + j]! << 24) >> 24);
  }
}

function dequantizeQ4_0(src: Uint8Array, out: Float32Array, blocks: number): void {
  const table = F16_TO_F32_TABLE;
  for (let b = 0, o = 0, y = 0; b < blocks; b++, o += 18, y += 32) {
    const d = table[src[o]! | (src[o + 1]! << 8)]!;
    for (let j = 0; j < 16; j++) {
      const q = src[o + 2 + j]!;
      out[y + j] = ((q & 0xf) - 8) * d;
      out[y + j + 16] = ((q >> 4) - 8) * d;
    }
  }
}
