/** K-quant dequantization (256-weight super-blocks), transcribed from ggml-quants.c; see FORMATS.md. */
import { F16_TO_F32_TABLE } from "./half";

/** ggml's get_scale_min_k4: 6-bit scale and min number j (0..7) packed in the 12 scale bytes at s. */
function scaleMin(src: Uint8Array, s: number, j: number, out: Int32Array): void {
  if (j < 4) {
    out[0] = src[s + j]! & 63;
    out[1] = src[s + j + 4]! & 63;
  } else {
    out[0] = (src[s + j + 4]! & 0xf) | ((src[s + j - 4]! >> 6) << 4);
    out[1] = (src[s + j + 4]! >> 4) | ((src[s + j]! >> 6) << 4);
  }
}

const sm = new Int32Array(2);

export function dequantizeQ4K(src: Uint8Array, out: Float32Array, blocks: number): void {
  const table = F16_TO_F32_TABLE;
  for (let b = 0; b < blocks; b++) {
    const o = b * 144;
    const d = table[src[o]! | (src[o + 1]! << 8)]!;
    const dmin = table[src[o + 2]! | (src[o + 3]! << 8)]!;
    const s = o + 4;
    let y = b * 256;
    for (let c = 0; c < 4; c++) {
      const q = o + 16 + 32 * c;
      scaleMin(src, s, 2 * c, sm);
      const d1 = d * sm[0]!;
      const m1 = dmin * sm[1]!;
      scaleMin(src, s, 2 * c + 1, sm);
      const d2 = d * sm[0]!;
      const m2 = dmin * sm[1]!;
      for (let l = 0; l < 32; l++) out[y + l] = d1 * (src[q + l]! & 0xf) - m1;
      for (let l = 0; l < 32; l++) out[y + 32 + l] = d2 * (src[q + l]! >> 4) - m2;
      y += 64;
    }
  }
}

export function dequantizeQ5K(src: Uint8Array, out: Float32Array, blocks: number): void {
  const table = F16_TO_F32_TABLE;
  for (let b = 0; b < blocks; b++) {
    const o = b * 176;
    const d = table[src[o]! | (src[o + 1]! << 8)]!;
    const dmin = table[src[o + 2]! | (src[o + 3]! << 8)]!;
    const s = o + 4;
    const qh = o + 16;
    let y = b * 256;
    for (let c = 0; c < 4; c++) {
      const ql = o + 48 + 32 * c;
      scaleMin(src, s, 2 * c, sm);
      const d1 = d * sm[0]!;
      const m1 = dmin * sm[1]!;
      scaleMin(src, s, 2 * c + 1, sm);
      const d2 = d * sm[0]!;
      const m2 = dmin * sm[1]!;
      // ggml's u1 = 1 << 2c and u2 = 2 << 2c: the fifth bit of each nibble, moved to bit 4 by a shift.
      const lowShift = 2 * c;
      const highShift = 2 * c + 1;
      for (let l = 0; l < 32; l++) out[y + l] = d1 * ((src[ql + l]! & 0xf) | (((src[qh + l]! >> lowShift) & 1) << 4)) - m1;
      for (let l = 0; l < 32; l++) out[y + 32 + l] = d2 * ((src[ql + l]! >> 4) | (((src[qh + l]! >> highShift) & 1) << 4)) - m2;
      y += 64;
    }
  }
}

export function dequantizeQ6K(src: Uint8Array, out: Float32Array, blocks: number): void {
  const table = F16_TO_F32_TABLE;
  for (let b = 0; b < blocks; b++) {
    const o = b * 210;
    const d = table[src[o + 208]! | (src[o + 209]! << 8)]!;
    let y = b * 256;
    for (let half = 0; half < 2; half++) {
      const ql = o + 64 * half;
      const qh = o + 128 + 32 * half;
      const sc = o + 192 + 8 * half;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const h = src[qh + l]!;
        const lo = src[ql + l]!;
        const hi = src[ql + l + 32]!;
        // Scales are int8: sign-extend by shifting through the top of an int32.
        out[y + l] = d * ((src[sc + is]! << 24) >> 24) * (((lo & 0xf) | ((h & 3) << 4)) - 32);
        out[y + l + 32] = d * ((src[sc + is + 2]! << 24) >> 24) * (((hi & 0xf) | (((h >> 2) & 3) << 4)) - 32);
        out[y + l + 64] = d * ((src[sc + is + 4]! << 24) >> 24) * (((lo >> 4) | (((h >> 4) & 3) << 4)) - 32);
        out[y + l + 96] = d * ((src[sc + is + 6]! << 24) >> 24) * (((hi >> 4) | (((h >> 6) & 3) << 4)) - 32);
      }
      y += 128;
    }
  }
}
