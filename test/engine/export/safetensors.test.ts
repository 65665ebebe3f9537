/**
 * The safetensors writer against the spec (FORMATS.md), parsed here independently: u64 LE header length N, JSON
 * header padded with spaces to a multiple of 8, offsets relative to the data start, contiguous from 0 in order,
 * file length 8 + N + data, metadata {"format": "pt"}. Then the reader against the writer and against bad files.
 */
import { describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../../electron/engine/export/readSafetensors";
import { encodeSafetensors } from "../../../electron/engine/export/writeSafetensors";
import { ggufRowsToHf, hfRowsToGguf } from "../../../electron/engine/export/qkPermutation";

const tensors = [
  { name: "b.lora_A.weight", shape: [2, 3], values: Float32Array.from([1, -2, 3.5, 0.25, -0.125, 1e-3]) },
  { name: "a.lora_B.weight", shape: [3, 2], values: Float32Array.from([65504, -1, 0.1, 2, 3, 4]) },
  { name: "scalarish", shape: [1], values: Float32Array.from([7]) },
];

describe("encodeSafetensors", () => {
  it("writes the layout the spec gives (F32)", () => {
    const bytes = Buffer.from(encodeSafetensors(tensors, "F32"));
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const headerText = bytes.subarray(8, 8 + n).toString("utf8");
    expect(headerText).toMatch(/^\{.*\} *$/);
    const header = JSON.parse(headerText);
    expect(header.__metadata__).toEqual({ format: "pt" });
    let expectBegin = 0;
    for (const t of tensors) {
      const h = header[t.name];
      expect(h.dtype).toBe("F32");
      expect(h.shape).toEqual(t.shape);
      expect(h.data_offsets).toEqual([expectBegin, expectBegin + t.values.length * 4]);
      for (let i = 0; i < t.values.length; i++) expect(bytes.readFloatLE(8 + n + expectBegin + 4 * i)).toBe(t.values[i]);
      expectBegin += t.values.length * 4;
    }
    expect(bytes.length).toBe(8 + n + expectBegin);
  });

  it("writes F16 and BF16 as IEEE half and truncated-mantissa bfloat16", () => {
    const f16 = Buffer.from(encodeSafetensors([tensors[1]!], "F16"));
    const n = Number(f16.readBigUInt64LE(0));
    expect(JSON.parse(f16.subarray(8, 8 + n).toString())["a.lora_B.weight"].dtype).toBe("F16");
    expect(f16.readUInt16LE(8 + n)).toBe(0x7bff); // 65504, the largest half
    expect(f16.readUInt16LE(8 + n + 2)).toBe(0xbc00); // -1
    const bf = Buffer.from(encodeSafetensors([tensors[1]!], "BF16"));
    const m = Number(bf.readBigUInt64LE(0));
    expect(bf.readUInt16LE(8 + m + 2)).toBe(0xbf80); // -1
    expect(bf.length).toBe(8 + m + 12);
  });

  it("round-trips through the reader, and refuses shape/value mismatches", () => {
    for (const dtype of ["F32", "F16", "BF16"] as const) {
      const back = decodeSafetensors(encodeSafetensors(tensors, dtype), "mem");
      expect(back.metadata).toEqual({ format: "pt" });
      for (const t of tensors) {
        const got = back.tensors.get(t.name)!;
        expect(got.shape).toEqual(t.shape);
        const tol = dtype === "F32" ? 0 : dtype === "F16" ? 1e-3 : 8e-3;
        t.values.forEach((v, i) => expect(Math.abs(got.values[i]! - v)).toBeLessThanOrEqual(tol * Math.abs(v)));
      }
    }
    expect(() => encodeSafetensors([{ name: "x", shape: [2, 2], values: new Float32Array(3) }], "F32")).toThrow(/x has shape \[2, 2\] but 3 values/);
  });

  it("reader names what is wrong with a broken file", () => {
    const good = encodeSafetensors(tensors, "F32");
    expect(() => decodeSafetensors(good.slice(0, good.length - 4), "cut.safetensors")).toThrow(/cut\.safetensors.*scalarish.*outside the data/);
    expect(() => decodeSafetensors(new Uint8Array(4), "tiny")).toThrow(/only 4 bytes/);
    const header = Buffer.from(JSON.stringify({ t: { dtype: "I8", shape: [1], data_offsets: [0, 1] } }).padEnd(40, " "));
    const i8 = Buffer.concat([Buffer.alloc(8), header, Buffer.alloc(1)]);
    i8.writeBigUInt64LE(BigInt(header.length), 0);
    expect(() => decodeSafetensors(i8, "i8")).toThrow(/tensor t has dtype I8/);
  });
});

describe("q/k permutation (FORMATS.md index maps)", () => {
  it("GGUF -> HF follows hf[h*hd + k] = gguf[h*hd + 2*(k % (hd/2)) + floor(k / (hd/2))], and HF -> GGUF undoes it", () => {
    const nh = 2;
    const hd = 6;
    const cols = 3;
    const gguf = Float32Array.from({ length: nh * hd * cols }, (_, i) => i);
    const hf = ggufRowsToHf(gguf, nh * hd, cols, nh);
    // Head 0 rows in HF order come from GGUF rows 0, 2, 4, 1, 3, 5 (the first halves are the even pair members).
    const rowsOf = (m: Float32Array) => Array.from({ length: nh * hd }, (_, r) => m[r * cols]! / cols);
    expect(rowsOf(hf)).toEqual([0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
    expect(Array.from(hfRowsToGguf(hf, nh * hd, cols, nh))).toEqual(Array.from(gguf));
    expect(() => ggufRowsToHf(gguf, nh * hd, cols, 5)).toThrow(/cannot be split into 5 heads/);
  });
});
