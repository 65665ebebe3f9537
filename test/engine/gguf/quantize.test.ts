import { describe, expect, it } from "vitest";
import { dequantize } from "../../../electron/engine/gguf/dequantize";
import { InvalidGgufError, UnsupportedTensorTypeError } from "../../../electron/engine/gguf/errors";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { f16ToF32 } from "../../../electron/engine/gguf/half";
import { quantize } from "../../../electron/engine/gguf/quantize";
import { seededRandom } from "../../helpers/ggufBlocks";

function gaussian(rand: () => number, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}

describe("quantize Q8_0", () => {
  it("stays within half a step of every value (plus the f16 rounding of d)", () => {
    const rand = seededRandom(3);
    const x = gaussian(rand, 32 * 200, 0.05);
    x[5] = 0; // an exact zero and a block of zeros must survive
    x.fill(0, 64, 96);
    const bytes = quantize(GgmlType.Q8_0, x, "w");
    expect(bytes.length).toBe(200 * 34);
    const y = dequantize(GgmlType.Q8_0, bytes, x.length);
    for (let b = 0; b < 200; b++) {
      const block = x.subarray(b * 32, b * 32 + 32);
      const d = Math.fround(Math.max(...Array.from(block, Math.abs)) / 127);
      const stored = f16ToF32(bytes[b * 34]! | (bytes[b * 34 + 1]! << 8));
      // q = round(x / d) is within d/2 of x / d; dequantizing with the f16-rounded d adds |d - stored| per unit of q.
      const bound = d / 2 + 127 * Math.abs(d - stored) + 1e-7 * d;
      for (let j = 0; j < 32; j++) {
        const err = Math.abs(y[b * 32 + j]! - block[j]!);
        if (err > bound) expect.fail(`block ${b} weight ${j}: |${y[b * 32 + j]} - ${block[j]}| = ${err} > ${bound}`);
      }
    }
    expect(y[5]).toBe(0);
    expect(Array.from(y.subarray(64, 96)).every((v) => v === 0)).toBe(true);
  });

  it("is within d/2 exactly when d is representable in f16, and rounds halves away from zero", () => {
    // amax 127 gives d = 1, so q = roundf(x): halves go away from zero as C's roundf does.
    const x = new Float32Array(32);
    x.set([127, -127, 63.5, -63.5, 0.5, -0.5, 2.5, -2.5, 0.49, 1.51]);
    const bytes = quantize(GgmlType.Q8_0, x);
    expect(bytes[0] | (bytes[1]! << 8)).toBe(0x3c00);
    const q = Array.from(bytes.subarray(2, 12), (v) => (v > 127 ? v - 256 : v));
    expect(q).toEqual([127, -127, 64, -64, 1, -1, 3, -3, 0, 2]);
    // amax 12.7 (d = 0.1, not exact in f16), the strict d/2 bound still holds for values far from the edge.
    const rand = seededRandom(11);
    const z = new Float32Array(32).map(() => (rand() * 2 - 1) * 127 * 2 ** -6);
    z[0] = 127 * 2 ** -6; // d = 2^-6 exactly
    const yz = dequantize(GgmlType.Q8_0, quantize(GgmlType.Q8_0, z), 32);
    for (let j = 0; j < 32; j++) expect(Math.abs(yz[j]! - z[j]!)).toBeLessThanOrEqual(2 ** -7);
  });

  it("rejects a count that is not a whole number of blocks, naming the tensor and the block size", () => {
    expect(() => quantize(GgmlType.Q8_0, new Float32Array(40), "blk.0.ffn_up.weight")).toThrow(InvalidGgufError);
    expect(() => quantize(GgmlType.Q8_0, new Float32Array(40), "blk.0.ffn_up.weight")).toThrow(/blk\.0\.ffn_up\.weight.*ne\[0\] must be a multiple of 32/);
  });
});

describe("quantize float types", () => {
  it("F16 is exact for representable values and rounds the rest to nearest", () => {
    const x = new Float32Array([0, -0, 1, -1.5, 65504, 2 ** -24, 0.099975586, 1 + 2 ** -11]);
    const y = dequantize(GgmlType.F16, quantize(GgmlType.F16, x), x.length);
    expect(Array.from(y.subarray(0, 7))).toEqual(Array.from(x.subarray(0, 7)));
    expect(Object.is(y[1], -0)).toBe(true);
    expect(y[7]).toBe(1); // the tie goes to even
  });

  it("F32 keeps the bits and copies from a subarray's own offset", () => {
    const x = new Float32Array([9, 1.25, -3, 2 ** -149]);
    const bytes = quantize(GgmlType.F32, x.subarray(1));
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 3))).toEqual([1.25, -3, 2 ** -149]);
  });

  it("BF16 rounds to nearest even on the top 16 bits", () => {
    const x = new Float32Array([1, 3.14159, -2, 1 + 2 ** -8, 1 + 3 * 2 ** -8]);
    const y = dequantize(GgmlType.BF16, quantize(GgmlType.BF16, x), x.length);
    // bf16 keeps 8 significant bits: 3.14159 -> 3.140625; 1 + 2^-8 is a tie -> 1; 1 + 3*2^-8 a tie -> 1 + 2^-6.
    expect(Array.from(y)).toEqual([1, 3.140625, -2, 1, 1 + 2 ** -6]);
  });

  it("refuses types it cannot produce", () => {
    expect(() => quantize(GgmlType.Q4_K, new Float32Array(256), "w")).toThrow(UnsupportedTensorTypeError);
    expect(() => quantize(GgmlType.Q4_K, new Float32Array(256), "w")).toThrow(/cannot quantize to Q4_K/);
  });
});
