import { describe, expect, it } from "vitest";
import { f16ArrayToF32, f16ToF32, f32ArrayToF16, f32ToF16 } from "../../../electron/engine/gguf/half";
import { seededRandom } from "../../helpers/ggufBlocks";

/** Straight from IEEE 754 binary16, in doubles. */
function f16Formula(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

const isNanPattern = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** Nearest half to a finite f32 by searching the sorted positive halves; ties go to the even pattern. */
function nearestF16(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  // Anything at or past the midpoint between 65504 and 2^16 (= 65520) rounds to infinity.
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = 0x7bff;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (f16Formula(mid) <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0x7bff) return sign | lo;
  const below = f16Formula(lo);
  const above = f16Formula(lo + 1);
  if (a - below < above - a) return sign | lo;
  if (a - below > above - a) return sign | (lo + 1);
  return sign | (lo % 2 === 0 ? lo : lo + 1);
}

describe("half", () => {
  it("decodes every one of the 65536 halves as the IEEE formula does", () => {
    for (let h = 0; h < 65536; h++) {
      const got = f16ToF32(h);
      if (isNanPattern(h)) expect(got, `h=0x${h.toString(16)}`).toBeNaN();
      else if (got !== f16Formula(h) || Object.is(got, -0) !== Object.is(f16Formula(h), -0)) {
        expect.fail(`h=0x${h.toString(16)}: got ${got}, expected ${f16Formula(h)}`);
      }
    }
  });

  it("round-trips every non-NaN half exactly, and keeps NaN a NaN", () => {
    for (let h = 0; h < 65536; h++) {
      const back = f32ToF16(f16ToF32(h));
      if (isNanPattern(h)) expect(isNanPattern(back), `h=0x${h.toString(16)}`).toBe(true);
      else if (back !== h) expect.fail(`h=0x${h.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  it("rounds to nearest, ties to even, at representative points", () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: even wins
      [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: even wins
      [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just past the tie
      [1 - 2 ** -12, 0x3c00], // tie below 1 (spacing 2^-11): 0x3bff is odd, 0x3c00 even
      [65504, 0x7bff],
      [65519.99, 0x7bff],
      [65520, 0x7c00], // tie between max and 2^16: "even" is infinity
      [1e9, 0x7c00],
      [-1e9, 0xfc00],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [0, 0x0000],
      [-0, 0x8000],
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // tie between 0 and 2^-24: 0 is even
      [2 ** -25 * 1.0001, 0x0001],
      [3 * 2 ** -25, 0x0002], // tie between 1 and 2 subnormal units
      [5 * 2 ** -25, 0x0002], // tie between 2 and 3 units
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -14 - 2 ** -25, 0x0400], // tie between the largest subnormal 0x3ff and 0x400: even
      [1e-10, 0x0000],
      [-1e-10, 0x8000],
      [0.1, 0x2e66],
      [-2.5, 0xc100],
    ];
    for (const [x, h] of cases) expect(f32ToF16(x).toString(16), `f32ToF16(${x})`).toBe(h.toString(16));
    expect(isNanPattern(f32ToF16(NaN))).toBe(true);
  });

  it("agrees with a nearest-value search on 100k random f32s across the f16 range", () => {
    const rand = seededRandom(7);
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let i = 0; i < 100_000; i++) {
      // Exponents from deep subnormal to past the overflow point, random mantissa and sign.
      const exp = 127 - 27 + Math.floor(rand() * 45);
      u[0] = ((rand() < 0.5 ? 1 : 0) << 31) | (exp << 23) | Math.floor(rand() * 0x800000);
      const x = f[0]!;
      const got = f32ToF16(x);
      const want = nearestF16(x);
      if (got !== want) expect.fail(`f32ToF16(${x}) = 0x${got.toString(16)}, nearest is 0x${want.toString(16)}`);
    }
  });

  it("converts arrays element by element", () => {
    const src = new Float32Array([0, -0, 1, -2, 0.1, 65504, 1e6, 2 ** -24]);
    const h = f32ArrayToF16(src);
    expect(Array.from(h)).toEqual(Array.from(src, (x) => f32ToF16(x)));
    const back = f16ArrayToF32(h);
    expect(Array.from(back)).toEqual(Array.from(h, (x) => f16ToF32(x)));
    expect(back[6]).toBe(Infinity);
    // A view into the middle of a bigger buffer must be read from its own offset.
    const big = new Float32Array([9, 9, 1, 2]);
    expect(Array.from(f32ArrayToF16(big.subarray(2)))).toEqual([0x3c00, 0x4000]);
  });
});
