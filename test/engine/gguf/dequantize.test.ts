import { describe, expect, it } from "vitest";
import { dequantize } from "../../../electron/engine/gguf/dequantize";
import { InvalidGgufError, UnsupportedTensorTypeError } from "../../../electron/engine/gguf/errors";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { randomQuantBlocks, seededRandom } from "../../helpers/ggufBlocks";

/*
 * Reference dequantizers written per weight: for weight j, work out from FORMATS.md which byte, which
 * nibble or bit pair, and which scale it comes from. Deliberately unlike the engine's block loops.
 */

/** f16 at byte offset `at`, decoded by the IEEE formula (not the engine's table). */
function f16At(b: Uint8Array, at: number): number {
  const h = b[at]! | (b[at + 1]! << 8);
  const e = (h >> 10) & 31;
  const m = h & 1023;
  const s = h >> 15 ? -1 : 1;
  return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
}
const int8 = (x: number) => (x > 127 ? x - 256 : x);

function refQ8_0(b: Uint8Array, j: number): number {
  const blk = Math.floor(j / 32) * 34;
  return f16At(b, blk) * int8(b[blk + 2 + (j % 32)]!);
}

function refQ4_0(b: Uint8Array, j: number): number {
  const blk = Math.floor(j / 32) * 18;
  const k = j % 32;
  const byte = b[blk + 2 + (k % 16)]!;
  const nibble = k < 16 ? byte % 16 : Math.floor(byte / 16);
  return (nibble - 8) * f16At(b, blk);
}

/** 6-bit scale and min number `sub` of a K-quant super-block, read as bit fields of the 12 bytes. */
function kScaleMin(s: Uint8Array, sub: number): [number, number] {
  const bits = (byte: number, from: number, count: number) => Math.floor(s[byte]! / 2 ** from) % 2 ** count;
  if (sub < 4) return [bits(sub, 0, 6), bits(sub + 4, 0, 6)];
  return [bits(sub + 4, 0, 4) + 16 * bits(sub - 4, 6, 2), bits(sub + 4, 4, 4) + 16 * bits(sub, 6, 2)];
}

/** Q4_K and Q5_K share everything but the fifth bit. */
function refK45(b: Uint8Array, j: number, five: boolean): number {
  const size = five ? 176 : 144;
  const blk = Math.floor(j / 256) * size;
  const w = j % 256;
  const chunk = Math.floor(w / 64);
  const upper = w % 64 >= 32; // second 32 of the chunk use the high nibble and sub-block 2*chunk+1
  const l = w % 32;
  const sub = 2 * chunk + (upper ? 1 : 0);
  const [sc, mn] = kScaleMin(b.subarray(blk + 4, blk + 16), sub);
  const qsAt = blk + (five ? 48 : 16) + 32 * chunk + l;
  let q = upper ? b[qsAt]! >> 4 : b[qsAt]! & 15;
  if (five && (b[blk + 16 + l]! >> sub) & 1) q += 16; // qh bit number = sub-block index
  const y = new Float32Array(1);
  y[0] = f16At(b, blk) * sc * q - f16At(b, blk + 2) * mn;
  return y[0];
}

function refQ6_K(b: Uint8Array, j: number): number {
  const blk = Math.floor(j / 256) * 210;
  const w = j % 256;
  const half = Math.floor(w / 128);
  const r = w % 128;
  const quarter = Math.floor(r / 32); // which of q1..q4
  const l = r % 32;
  const qlByte = b[blk + 64 * half + l + (quarter % 2) * 32]!;
  const low4 = quarter < 2 ? qlByte & 15 : qlByte >> 4;
  const high2 = (b[blk + 128 + 32 * half + l]! >> (2 * quarter)) & 3;
  const scale = int8(b[blk + 192 + 8 * half + Math.floor(l / 16) + 2 * quarter]!);
  return f16At(b, blk + 208) * scale * (low4 + 16 * high2 - 32);
}

const formats = [
  { name: "Q8_0", type: GgmlType.Q8_0, block: 32, ref: refQ8_0 },
  { name: "Q4_0", type: GgmlType.Q4_0, block: 32, ref: refQ4_0 },
  { name: "Q4_K", type: GgmlType.Q4_K, block: 256, ref: (b: Uint8Array, j: number) => refK45(b, j, false) },
  { name: "Q5_K", type: GgmlType.Q5_K, block: 256, ref: (b: Uint8Array, j: number) => refK45(b, j, true) },
  { name: "Q6_K", type: GgmlType.Q6_K, block: 256, ref: refQ6_K },
] as const;

function firstMismatch(got: Float32Array, want: (j: number) => number): string | undefined {
  const w = new Float32Array(1);
  for (let j = 0; j < got.length; j++) {
    w[0] = want(j);
    if (!Object.is(got[j], w[0])) return `weight ${j}: engine ${got[j]}, reference ${w[0]}`;
  }
  return undefined;
}

describe("dequantize matches a per-weight reference exactly", () => {
  for (const f of formats) {
    it(f.name, () => {
      const rand = seededRandom(f.type * 1000 + 1);
      const blocks = 48;
      const bytes = randomQuantBlocks(f.name, blocks, rand);
      const got = dequantize(f.type, bytes, blocks * f.block, "t");
      expect(got.length).toBe(blocks * f.block);
      expect(firstMismatch(got, (j) => f.ref(bytes, j))).toBeUndefined();
    });
  }
});

describe("dequantize hand-made blocks", () => {
  it("Q8_0: d = 0.5, qs = -128, -120, ..., 120", () => {
    const b = new Uint8Array(34);
    b[0] = 0x00;
    b[1] = 0x38; // f16 0x3800 = 0.5
    for (let j = 0; j < 32; j++) b[2 + j] = (j * 8 - 128) & 0xff;
    const y = dequantize(GgmlType.Q8_0, b, 32);
    expect([y[0], y[1], y[16], y[31]]).toEqual([-64, -60, 0, 60]);
  });

  it("Q4_0: d = 2, nibbles count up in the low half and down in the high half", () => {
    const b = new Uint8Array(18);
    b[1] = 0x40; // f16 0x4000 = 2
    for (let j = 0; j < 16; j++) b[2 + j] = j | ((15 - j) << 4);
    const y = dequantize(GgmlType.Q4_0, b, 32);
    expect([y[0], y[8], y[15], y[16], y[31]]).toEqual([-16, 0, 14, 14, -16]);
  });

  /** Packs eight 6-bit (scale, min) pairs as ggml's make_qkx2_quants callers do. */
  function packScales(sc: number[], mn: number[]): number[] {
    const s = new Array<number>(12).fill(0);
    for (let j = 0; j < 4; j++) {
      s[j] = sc[j]! | ((sc[j + 4]! >> 4) << 6);
      s[j + 4] = mn[j]! | ((mn[j + 4]! >> 4) << 6);
      s[j + 8] = (sc[j + 4]! & 15) | ((mn[j + 4]! & 15) << 4);
    }
    return s;
  }
  const sc = [1, 2, 3, 63, 17, 33, 48, 62];
  const mn = [0, 5, 10, 20, 40, 63, 16, 1];

  it("Q4_K: d = 1, dmin = 0.5, chosen scales, every q byte 0x53 (low 3, high 5)", () => {
    const b = new Uint8Array(144);
    b[1] = 0x3c; // d = 1
    b[3] = 0x38; // dmin = 0.5
    b.set(packScales(sc, mn), 4);
    b.fill(0x53, 16);
    const y = dequantize(GgmlType.Q4_K, b, 256);
    // y = d*sc*q - dmin*m; low nibble (3) for the first 32 of each 64, high (5) for the second.
    expect([y[0], y[32], y[64], y[96], y[128], y[160], y[192], y[224]]).toEqual([3, 7.5, 4, 305, 31, 133.5, 136, 309.5]);
    expect(y[31]).toBe(3);
    expect(y[255]).toBe(309.5);
  });

  it("Q5_K: as Q4_K plus 16 where the qh bit of the sub-block is set", () => {
    const b = new Uint8Array(176);
    b[1] = 0x3c;
    b[3] = 0x38;
    b.set(packScales(sc, mn), 4);
    b.fill(0b01010101, 16, 48); // the bit of every even sub-block (low nibbles)
    b.fill(0x53, 48);
    const y = dequantize(GgmlType.Q5_K, b, 256);
    expect([y[0], y[32], y[64], y[96], y[128], y[160], y[192], y[224]]).toEqual([19, 7.5, 52, 305, 303, 133.5, 904, 309.5]);
  });

  it("Q6_K: d = 0.25, signed scales, 6-bit values split over ql and qh", () => {
    const b = new Uint8Array(210);
    b[0] = 0x21; // ql[0]: low 1 (q1 of l=0), high 2 (q3 of l=0)
    b[32] = 0xf4; // ql[32]: low 4 (q2), high 15 (q4)
    b[128] = 0b11100100; // qh[0]: q1 +0, q2 +16, q3 +32, q4 +48
    b[192] = 0xfe; // sc[0] = -2 (q1 of l < 16)
    b[194] = 3; // sc[2] (q2)
    b[196] = 0x80; // sc[4] = -128 (q3)
    b[198] = 1; // sc[6] (q4)
    b[209] = 0x34; // d = f16 0x3400 = 0.25
    const y = dequantize(GgmlType.Q6_K, b, 256);
    // q1 = 1 - 32 = -31; q2 = 4 + 16 - 32 = -12; q3 = 2 + 32 - 32 = 2; q4 = 15 + 48 - 32 = 31
    expect([y[0], y[32], y[64], y[96]]).toEqual([0.25 * -2 * -31, 0.25 * 3 * -12, 0.25 * -128 * 2, 0.25 * 1 * 31]);
    expect([y[0], y[32], y[64], y[96]]).toEqual([15.5, -9, -64, 7.75]);
    // Everything else has q = -32 and scale 0 (sc[1], sc[3]...) or the set scales: y[1] = 0.25 * -2 * -32.
    expect(y[1]).toBe(16);
    expect(y[16]).toBe(-0); // sc[1] = 0, q = -32: 0.25 * 0 * -32 is -0 in C too
  });

  it("F16, BF16 and F32 decode their bit patterns, from any byte offset", () => {
    const f16 = Uint8Array.from([0, 0x3c, 0, 0xc0, 0xff, 0x7b]); // 1, -2, 65504
    expect(Array.from(dequantize(GgmlType.F16, f16, 3))).toEqual([1, -2, 65504]);
    const odd = new Uint8Array(7);
    odd.set(f16, 1);
    expect(Array.from(dequantize(GgmlType.F16, odd.subarray(1), 3))).toEqual([1, -2, 65504]);
    const bf16 = Uint8Array.from([0x80, 0x3f, 0x49, 0x40]); // 0x3f80 = 1, 0x4049 = 3.140625
    expect(Array.from(dequantize(GgmlType.BF16, bf16, 2))).toEqual([1, 3.140625]);
    const f32 = new Uint8Array(new Float32Array([1.5, -0.25]).buffer);
    const y = dequantize(GgmlType.F32, f32, 2);
    expect(Array.from(y)).toEqual([1.5, -0.25]);
    y[0] = 7;
    expect(new Float32Array(f32.buffer)[0]).toBe(1.5); // a copy, not a view of the input
  });
});

describe("dequantize rejects", () => {
  it("types it cannot decode, naming the tensor, the type and the supported list", () => {
    const err = (() => {
      try {
        dequantize(17, new Uint8Array(74), 256, "blk.0.attn_q.weight");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedTensorTypeError);
    expect((err as Error).message).toContain("tensor blk.0.attn_q.weight has type IQ2_XS (id 17)");
    expect((err as Error).message).toContain("supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K");
  });

  it("a byte length that does not match the element count", () => {
    expect(() => dequantize(GgmlType.Q8_0, new Uint8Array(33), 32, "w")).toThrow(InvalidGgufError);
    expect(() => dequantize(GgmlType.Q4_K, new Uint8Array(144), 255, "w")).toThrow(/255.*block size 256/);
  });
});
