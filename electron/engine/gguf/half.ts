/** IEEE half (f16) and bfloat16 conversions, bit-exact with ggml (round to nearest even). */

/** f32 bit patterns of all 65536 halves; built from bits so NaN payloads survive. */
const F16_BITS = new Uint32Array(65536);
for (let h = 0; h < 65536; h++) {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) {
    F16_BITS[h] = sign | 0x7f800000 | (mant << 13);
  } else if (exp !== 0) {
    F16_BITS[h] = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant === 0) {
    F16_BITS[h] = sign;
  } else {
    // Subnormal half: normalise the mantissa into an f32 normal.
    let e = 113;
    let m = mant;
    while ((m & 0x400) === 0) {
      m <<= 1;
      e--;
    }
    F16_BITS[h] = sign | (e << 23) | ((m & 0x3ff) << 13);
  }
}

/** f16 bits -> f32 value, indexed by the half's bit pattern (for hot loops). */
export const F16_TO_F32_TABLE: Float32Array = new Float32Array(F16_BITS.buffer);

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

export function f16ToF32(h: number): number {
  return F16_TO_F32_TABLE[h & 0xffff]!;
}

/** Rounds an f32 bit pattern to the nearest f16 (ties to even), as GGML_FP32_TO_FP16. */
export function f32BitsToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 112; // rebiased exponent (127 -> 15)
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Result is subnormal (or zero): value in units of 2^-24 is M / 2^shift, rounded.
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    let m = full >>> shift;
    if (rem > half || (rem === half && (m & 1) !== 0)) m++;
    return sign | m; // m may reach 0x400: that is the smallest normal's encoding, as it should be
  }
  const rem = mant & 0x1fff;
  let h = (e << 10) | (mant >>> 13);
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++; // a carry into the exponent is correct, up to inf
  return sign | h;
}

/** The argument is first rounded to f32, as the C code's float would be. */
export function f32ToF16(f: number): number {
  scratchF32[0] = f;
  return f32BitsToF16(scratchU32[0]!);
}

export function f16ArrayToF32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const table = F16_TO_F32_TABLE;
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!;
  return out;
}

export function f32ArrayToF16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32BitsToF16(bits[i]!);
  return out;
}

/** As GGML_FP32_TO_BF16: round to nearest even, NaN kept quiet. */
export function f32BitsToBf16(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 64) & 0xffff;
  return ((x + (0x7fff + ((x >>> 16) & 1))) >>> 16) & 0xffff;
}

export function f32ArrayToBf16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32BitsToBf16(bits[i]!);
  return out;
}
