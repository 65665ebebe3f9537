import { GgmlType, type GgmlTypeId } from "../../electron/engine/gguf/ggmlType";

/** GGUF storage types the WGSL kernels read straight from their blocks (every type the engine dequantizes). */
export const WGSL_DEQUANT_TYPES: readonly GgmlTypeId[] = [GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32];

/**
 * WGSL that reads one weight of a GGUF matrix from its raw bytes, bound as `W: array<i32>` (the bytes as
 * little-endian words): `fn dequant(row: u32, k: u32) -> f32` with `row` the byte offset of the matrix row and `k`
 * the column. The formulas are ggml-quants.c's (FORMATS.md), in the same order as electron/engine/gguf/dequantize*.ts:
 * every product there is exact in float32 and the K-quants' one subtraction rounds once, so the weights are
 * bit-identical to the CPU's dequantized float32 twin.
 */
export function dequantizeWgsl(type: GgmlTypeId): string {
  const common = `
  fn byteAt(i: u32) -> u32 { return (bitcast<u32>(W[i >> 2u]) >> ((i & 3u) * 8u)) & 0xffu; }
  fn int8At(i: u32) -> i32 { return (i32(byteAt(i)) << 24u) >> 24u; }
  // An f16 at an even byte offset.
  fn f16At(i: u32) -> f32 { return unpack2x16float(bitcast<u32>(W[i >> 2u]))[(i >> 1u) & 1u]; }
  `;
  const body = BODIES[type];
  if (!body) throw new RangeError(`no WGSL dequantization for ggml type ${type}; supported: ${WGSL_DEQUANT_TYPES.join(", ")}`);
  return `${common}\n  fn dequant(row: u32, k: u32) -> f32 {\n${body}\n  }`;
}

// K-quants: sub-block s (32 weights) of a 256-weight super-block; Q4_K/Q5_K's 6-bit (scale, min) number s.
const SCALE_MIN = `
    let sb = base + 4u;
    var sc: u32;
    var mn: u32;
    if (s < 4u) {
      sc = byteAt(sb + s) & 63u;
      mn = byteAt(sb + s + 4u) & 63u;
    } else {
      sc = (byteAt(sb + s + 4u) & 0xfu) | ((byteAt(sb + s - 4u) >> 6u) << 4u);
      mn = (byteAt(sb + s + 4u) >> 4u) | ((byteAt(sb + s) >> 6u) << 4u);
    }
    let d1 = f16At(base) * f32(sc);
    let m1 = f16At(base + 2u) * f32(mn);`;

const BODIES: Partial<Record<GgmlTypeId, string>> = {
  [GgmlType.Q8_0]: `
    let base = row + (k / 32u) * 34u;
    return f16At(base) * f32(int8At(base + 2u + (k % 32u)));`,
  [GgmlType.Q4_0]: `
    let base = row + (k / 32u) * 18u;
    let j = k % 32u;
    let q = byteAt(base + 2u + (j % 16u));
    let v = select(q & 0xfu, q >> 4u, j >= 16u);
    return f32(i32(v) - 8) * f16At(base);`,
  [GgmlType.Q4_K]: `
    let base = row + (k / 256u) * 144u;
    let j = k % 256u;
    let s = j / 32u;
    let l = j % 32u;
    ${SCALE_MIN}
    let q = byteAt(base + 16u + 32u * (s / 2u) + l);
    let v = select(q & 0xfu, q >> 4u, (s & 1u) == 1u);
    return d1 * f32(v) - m1;`,
  [GgmlType.Q5_K]: `
    let base = row + (k / 256u) * 176u;
    let j = k % 256u;
    let s = j / 32u;
    let l = j % 32u;
    ${SCALE_MIN}
    let q = byteAt(base + 48u + 32u * (s / 2u) + l);
    let h = (byteAt(base + 16u + l) >> s) & 1u;
    let v = select(q & 0xfu, q >> 4u, (s & 1u) == 1u) | (h << 4u);
    return d1 * f32(v) - m1;`,
  [GgmlType.Q6_K]: `
    let base = row + (k / 256u) * 210u;
    let j = k % 256u;
    let hb = j / 128u;
    let grp = (j % 128u) / 32u;
    let l = j % 32u;
    let lo = byteAt(base + 64u * hb + 32u * (grp & 1u) + l);
    let nibble = select(lo & 0xfu, lo >> 4u, grp >= 2u);
    let hi = (byteAt(base + 128u + 32u * hb + l) >> (2u * grp)) & 3u;
    let sc = int8At(base + 192u + 8u * hb + l / 16u + 2u * grp);
    return f16At(base + 208u) * f32(sc) * f32(i32(nibble | (hi << 4u)) - 32);`,
  [GgmlType.F16]: `
    return f16At(row + 2u * k);`,
  [GgmlType.BF16]: `
    let i = row + 2u * k;
    return bitcast<f32>(((bitcast<u32>(W[i >> 2u]) >> (((i >> 1u) & 1u) * 16u)) & 0xffffu) << 16u);`,
  [GgmlType.F32]: `
    return bitcast<f32>(W[(row >> 2u) + k]);`,
};
