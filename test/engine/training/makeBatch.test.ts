import { describe, expect, it } from "vitest";
import { makeBatch } from "../../../electron/engine/training/makeBatch";

describe("makeBatch", () => {
  it("shifts by one: inputs are tokens[0..n-2], targets tokens[1..n-1]; the mask at t is the target's (t+1)", () => {
    const b = makeBatch([{ tokens: [10, 11, 12, 13, 14], lossMask: [0, 0, 1, 1, 0] }], 64);
    expect(b.inputs).toHaveLength(1);
    const width = b.inputs[0]!.length;
    expect(width).toBe(16);
    expect(b.inputs[0]!.slice(0, 4)).toEqual([10, 11, 12, 13]);
    expect(Array.from(b.targets.slice(0, 4))).toEqual([11, 12, 13, 14]);
    // Token 12 (index 2) and 13 (index 3) are learned: they are predicted at positions 1 and 2.
    expect(Array.from(b.mask.slice(0, 4))).toEqual([0, 1, 1, 0]);
    expect(b.lossTokens).toBe(2);
    expect(b.tokens).toBe(4);
    expect(b.truncated).toBe(0);
    // Padding: input token 0, target 0, mask 0.
    expect(b.inputs[0]!.slice(4)).toEqual(new Array(width - 4).fill(0));
    expect(Array.from(b.targets.slice(4))).toEqual(new Array(width - 4).fill(0));
    expect(Array.from(b.mask.slice(4))).toEqual(new Array(width - 4).fill(0));
  });

  it("pads rows to a common width, masks padding out, and lays rows out row-major in targets and mask", () => {
    const b = makeBatch(
      [
        { tokens: [1, 2, 3, 4, 5, 6, 7], lossMask: [0, 0, 0, 1, 1, 1, 1] },
        { tokens: [8, 9, 10], lossMask: [0, 1, 1] },
      ],
      64,
    );
    const w = 16;
    expect(b.inputs.map((r) => r.length)).toEqual([w, w]);
    expect(b.targets).toHaveLength(2 * w);
    expect(b.mask).toHaveLength(2 * w);
    expect(b.inputs[1]!.slice(0, 3)).toEqual([8, 9, 0]);
    expect(Array.from(b.targets.slice(w, w + 3))).toEqual([9, 10, 0]);
    expect(Array.from(b.mask.slice(0, 7))).toEqual([0, 0, 1, 1, 1, 1, 0]);
    expect(Array.from(b.mask.slice(w, w + 3))).toEqual([1, 1, 0]);
    expect(b.mask.reduce((s, v) => s + v, 0)).toBe(6);
    expect(b.lossTokens).toBe(6);
    expect(b.tokens).toBe(6 + 2);
    // Mask values are exactly 0 or 1 even when the loss mask holds other truthy values.
    const c = makeBatch([{ tokens: [1, 2, 3], lossMask: [0, 5, 1] }], 8);
    expect(Array.from(c.mask.slice(0, 2))).toEqual([1, 1]);
  });

  it("truncates to seqLen + 1 tokens and counts the truncated sequences", () => {
    const long = Array.from({ length: 40 }, (_, i) => i + 1);
    const b = makeBatch(
      [
        { tokens: long, lossMask: long.map(() => 1) },
        { tokens: long.slice(0, 25), lossMask: long.slice(0, 25).map(() => 1) }, // exactly seqLen + 1: kept whole
        { tokens: long.slice(0, 26), lossMask: long.slice(0, 26).map(() => 1) },
      ],
      24,
    );
    expect(b.truncated).toBe(2);
    expect(b.inputs.map((r) => r.length)).toEqual([24, 24, 24]);
    expect(b.inputs[0]).toEqual(long.slice(0, 24));
    expect(Array.from(b.targets.slice(0, 24))).toEqual(long.slice(1, 25));
    expect(b.lossTokens).toBe(3 * 24);
  });

  it("buckets the width to a multiple of 16, capped at seqLen", () => {
    const seq = (n: number) => ({ tokens: Array.from({ length: n }, (_, i) => i), lossMask: new Array(n).fill(1) });
    expect(makeBatch([seq(2)], 512).inputs[0]).toHaveLength(16);
    expect(makeBatch([seq(17)], 512).inputs[0]).toHaveLength(16);
    expect(makeBatch([seq(18)], 512).inputs[0]).toHaveLength(32);
    expect(makeBatch([seq(18), seq(40)], 512).inputs[0]).toHaveLength(48);
    expect(makeBatch([seq(30)], 20).inputs[0]).toHaveLength(20);
    expect(makeBatch([seq(12)], 10).inputs[0]).toHaveLength(10);
  });

  it("rejects an empty batch, mismatched mask lengths and sequences with nothing to predict", () => {
    expect(() => makeBatch([], 16)).toThrow(/no sequences/);
    expect(() => makeBatch([{ tokens: [1, 2, 3], lossMask: [0, 1] }], 16)).toThrow(/3 tokens but 2 loss-mask entries/);
    expect(() => makeBatch([{ tokens: [1], lossMask: [1] }], 16)).toThrow(/fewer than 2 tokens/);
    // One short sequence among longer ones is only padding.
    const b = makeBatch([{ tokens: [1], lossMask: [1] }, { tokens: [1, 2], lossMask: [0, 1] }], 16);
    expect(b.inputs[0]).toEqual(new Array(16).fill(0));
    expect(b.lossTokens).toBe(1);
    expect(b.tokens).toBe(1);
  });
});
