/** f32 -> tensor bytes for the types the writer produces, bit-exact with ggml's reference quantizers. */
import { InvalidGgufError, UnsupportedTensorTypeError } from "./errors";
import { GgmlType, ggmlTypeName, ggmlTypeTraits, type GgmlTypeId } from "./ggmlType";
import { f32ArrayToBf16, f32ArrayToF16, f32ToF16 } from "./half";

/** Types quantize() can produce; the writer takes raw bytes for any other. */
export const QUANTIZE_TYPES: readonly GgmlTypeId[] = [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0];

/** `values` is the whole tensor in row-major ggml order; its length must be a whole number of blocks. */
export function quantize(type: GgmlTypeId, values: Float32Array, tensorName?: string): Uint8Array {
  const name = tensorName ?? "(unnamed)";
  if (!QUANTIZE_TYPES.includes(type)) {
    throw new UnsupportedTensorTypeError(
      `tensor ${name}: cannot quantize to ${ggmlTypeName(type)} (id ${type}); supported: ${QUANTIZE_TYPES.map(ggmlTypeName).join(", ")}; ` +
        "pass raw bytes already encoded in that type instead",
    );
  }
  const blockSize = ggmlTypeTraits(type)!.blockSize;
  if (values.length % blockSize !== 0) {
    throw new InvalidGgufError(
      `tensor ${name}: ${values.length} values (ne[0] must be a multiple of ${blockSize} for ${ggmlTypeName(type)}) ` +
        "are not a whole number of blocks; use F16 for this tensor",
    );
  }
  switch (type) {
    case GgmlType.F32:
      return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    case GgmlType.F16:
      return bytesOf(f32ArrayToF16(values));
    case GgmlType.BF16:
      return bytesOf(f32ArrayToBf16(values));
    default:
      return quantizeQ8_0(values);
  }
}

function bytesOf(a: Uint16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** As quantize_row_q8_0_ref: d = amax / 127 and q = roundf(x / d), all in f32 arithmetic. */
function quantizeQ8_0(x: Float32Array): Uint8Array {
  const blocks = x.length / 32;
  const out = new Uint8Array(blocks * 34);
  const fround = Math.fround;
  for (let b = 0; b < blocks; b++) {
    const xi = b * 32;
    let amax = 0;
    for (let j = 0; j < 32; j++) {
      const a = Math.abs(x[xi + j]!);
      amax = amax > a ? amax : a; // ggml's MAX macro, NaN behaviour included
    }
    const d = fround(amax / 127);
    const id = d !== 0 ? fround(1 / d) : 0;
    const h = f32ToF16(d);
    const o = b * 34;
    out[o] = h & 0xff;
    out[o + 1] = h >> 8;
    for (let j = 0; j < 32; j++) {
      const v = fround(x[xi + j]! * id);
      // roundf rounds halves away from zero; Math.round rounds them up.
      out[o + 2 + j] = (v < 0 ? -Math.round(-v) : Math.round(v)) & 0xff;
    }
  }
  return out;
}
