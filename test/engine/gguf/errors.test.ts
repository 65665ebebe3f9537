import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  GgufError,
  InvalidGgufError,
  MissingMetadataKeyError,
  NotGgufError,
  TruncatedGgufError,
  UnsupportedGgufVersionError,
  UnsupportedTensorTypeError,
} from "../../../electron/engine/gguf/errors";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { GgufValueType as V, type GgufKv } from "../../../electron/engine/gguf/types";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { RawGguf } from "../../helpers/ggufBytes";
import { llama2TinyFixture, requireFixture } from "../../helpers/paths";

const fixtureBytes = readFileSync(requireFixture(llama2TinyFixture));
const dir = mkdtempSync(join(tmpdir(), "gguf-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(bytes: Uint8Array | string): string {
  const path = join(dir, `case-${n++}.gguf`);
  writeFileSync(path, bytes);
  return path;
}

/** Opens the file (and reads every tensor if it opens) and returns what was thrown. */
async function failure(path: string, read?: (f: Awaited<ReturnType<typeof openGguf>>) => Promise<unknown>): Promise<Error> {
  try {
    const f = await openGguf(path);
    try {
      await read?.(f);
    } finally {
      await f.close();
    }
  } catch (e) {
    expect(e).toBeInstanceOf(GgufError);
    expect((e as Error).message, "every message names the file").toContain(path);
    return e as Error;
  }
  throw new Error(`${path} opened without error`);
}

describe("opening files that are not valid GGUF", () => {
  it("a text file is NotGgufError showing its magic bytes", async () => {
    const e = await failure(file("hello world, I am not a model"));
    expect(e).toBeInstanceOf(NotGgufError);
    expect(e.name).toBe("NotGgufError");
    expect(e.message).toMatch(/is not a GGUF file \(magic bytes 0x68 0x65 0x6c 0x6c.*choose a \.gguf model file/);
  });

  it("an empty file is NotGgufError", async () => {
    expect(await failure(file(new Uint8Array(0)))).toBeInstanceOf(NotGgufError);
  });

  const dataOffset = 724416; // fixture: after the tensor infos (see fixture.test.ts)
  const cuts: [string, number, RegExp][] = [
    ["in the version", 6, /version.*at least 8 bytes, but it is 6 bytes/],
    ["in the counts", 20, /counts.*at least 24 bytes/],
    ["in the first metadata keys", 1000, /truncated/],
    ["in the vocabulary", 400_000, /tokenizer\.ggml/],
    ["in the tensor infos", dataOffset - 300, /tensor/],
    ["after the tensor infos, before any data", dataOffset, /tensor token_embd\.weight/],
    ["in the last tensor's data", fixtureBytes.length - 100, /tensor output\.weight \(F16 \[8, 32000\], 512000 bytes\).*at least 1750560 bytes, but it is 1750460/],
  ];
  for (const [where, length, message] of cuts) {
    it(`truncated ${where} (${length} bytes) is TruncatedGgufError`, async () => {
      const e = await failure(file(fixtureBytes.subarray(0, length)));
      expect(e).toBeInstanceOf(TruncatedGgufError);
      expect(e.message).toMatch(message);
    });
  }

  it("versions 1 and 4 are UnsupportedGgufVersionError; a big-endian file is recognised", async () => {
    for (const [bytes, version, hint] of [
      [[1, 0, 0, 0], 1, /obsolete/],
      [[4, 0, 0, 0], 4, /supported: 2 and 3/],
      [[0, 0, 0, 3], 0x03000000, /big-endian/],
    ] as const) {
      const b = Uint8Array.from(fixtureBytes);
      b.set(bytes, 4);
      const e = await failure(file(b));
      expect(e).toBeInstanceOf(UnsupportedGgufVersionError);
      expect(e.message).toContain(`GGUF version ${version}`);
      expect(e.message).toMatch(hint);
    }
  });

  it("version 2 is accepted", async () => {
    const b = Uint8Array.from(fixtureBytes);
    b[4] = 2;
    const f = await openGguf(file(b));
    expect(f.version).toBe(2);
    await f.close();
  });

  const invalid: [string, () => RawGguf, RegExp][] = [
    ["a metadata value type id of 13", () => new RawGguf().header(3, 0, 1).str("k").u32(13), /"k" has value type id 13/],
    ["a tensor with 5 dims", () => new RawGguf().header(3, 1, 0).tensorInfo("t", [1, 1, 1, 1, 1], 0, 0).padTo(32).zeros(32), /tensor t has 5 dimensions/],
    ["general.alignment 48", () => new RawGguf().header(3, 0, 1).str("general.alignment").u32(V.UINT32).u32(48), /general\.alignment is 48.*power of two/],
    ["general.alignment 0", () => new RawGguf().header(3, 0, 1).str("general.alignment").u32(V.UINT32).u32(0), /general\.alignment is 0/],
    [
      "tensor offsets out of order",
      () => new RawGguf().header(3, 2, 0).tensorInfo("a", [8], 0, 32).tensorInfo("b", [8], 0, 0).padTo(32).zeros(64),
      /tensor b has data offset 0, before the end \(64\)/,
    ],
    ["a misaligned tensor offset", () => new RawGguf().header(3, 1, 0).tensorInfo("a", [8], 0, 4).padTo(32).zeros(64), /tensor a has data offset 4, not a multiple of the alignment 32/],
    ["an unknown ggml type", () => new RawGguf().header(3, 1, 0).tensorInfo("a", [8], 99, 0).padTo(32).zeros(64), /tensor a has unknown ggml type id 99/],
    ["Q8_0 with ne[0] = 8", () => new RawGguf().header(3, 1, 0).tensorInfo("a", [8], GgmlType.Q8_0, 0).padTo(32).zeros(64), /tensor a has ne\[0\] = 8, not a multiple of Q8_0's block size 32/],
    ["a duplicate tensor name", () => new RawGguf().header(3, 2, 0).tensorInfo("a", [8], 0, 0).tensorInfo("a", [8], 0, 32).padTo(32).zeros(64), /"a" appears twice/],
    ["a duplicate key", () => new RawGguf().header(3, 0, 2).str("k").u32(V.UINT8).u8(1).str("k").u32(V.UINT8).u8(2), /"k" appears twice/],
    ["arrays nested 9 deep", () => {
      const r = new RawGguf().header(3, 0, 1).str("deep").u32(V.ARRAY);
      for (let i = 0; i < 9; i++) r.u32(V.ARRAY).u64(1);
      return r.u32(V.UINT8).u64(0).zeros(64);
    }, /nests arrays deeper than 8/],
  ];
  for (const [what, make, message] of invalid) {
    it(`${what} is InvalidGgufError`, async () => {
      const e = await failure(file(make().bytes()));
      expect(e).toBeInstanceOf(InvalidGgufError);
      expect(e.message).toMatch(message);
    });
  }

  it("a count larger than the file could hold fails fast, without allocating", async () => {
    const e = await failure(file(new RawGguf().header(3, 0, 1).str("arr").u32(V.ARRAY).u32(V.STRING).u64(2n ** 62n).bytes()));
    expect(e).toBeInstanceOf(TruncatedGgufError);
    expect(e.message).toMatch(/array length of "arr".*is 4611686018427387904/);
    const e2 = await failure(file(new RawGguf().header(3, 2 ** 40, 0).bytes()));
    expect(e2.message).toMatch(/tensor count.*1099511627776/);
  });
});

describe("asking an open file for what it lacks", () => {
  const kvs: GgufKv[] = [
    { key: "general.architecture", type: V.STRING, value: "llama" },
    { key: "n", type: V.UINT32, value: 7 },
  ];

  it("readTensorF32 on an IQ2_XS tensor names the tensor, the type, the supported list and the file", async () => {
    const path = join(dir, "iq2.gguf");
    await writeGguf(path, kvs, [{ name: "blk.0.attn_q.weight", dims: [256, 2], type: 17, data: new Uint8Array(2 * 74) }]);
    const e = await failure(path, async (f) => {
      expect((await f.readTensorBytes("blk.0.attn_q.weight")).length).toBe(148);
      return f.readTensorF32("blk.0.attn_q.weight");
    });
    expect(e).toBeInstanceOf(UnsupportedTensorTypeError);
    expect(e.message).toContain(
      `UnsupportedTensorTypeError: tensor blk.0.attn_q.weight has type IQ2_XS (id 17) in ${path}; supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K`.slice(
        "UnsupportedTensorTypeError: ".length,
      ),
    );
    expect(String(e)).toMatch(/^UnsupportedTensorTypeError: tensor blk\.0\.attn_q\.weight/);
  });

  it("string() of a missing key is MissingMetadataKeyError; of a number, InvalidGgufError; a missing tensor, InvalidGgufError", async () => {
    const path = join(dir, "keys.gguf");
    await writeGguf(path, kvs, []);
    const missing = await failure(path, async (f) => f.string("llama.block_count"));
    expect(missing).toBeInstanceOf(MissingMetadataKeyError);
    expect(missing.message).toContain('"llama.block_count"');
    const wrongType = await failure(path, async (f) => f.string("n"));
    expect(wrongType).toBeInstanceOf(InvalidGgufError);
    expect(wrongType.message).toMatch(/"n" is stored as UINT32, not a string/);
    const wrongNumber = await failure(path, async (f) => f.number("general.architecture"));
    expect(wrongNumber.message).toMatch(/stored as STRING, not a number/);
    const noTensor = await failure(path, async (f) => f.tensor("output.weight"));
    expect(noTensor).toBeInstanceOf(InvalidGgufError);
    expect(noTensor.message).toContain('no tensor "output.weight"');
  });
});

describe("writeGguf refuses bad input before touching the target", () => {
  const cases: [string, GgufKv[], Parameters<typeof writeGguf>[2], RegExp][] = [
    ["Q8_0 with ne[0] = 8", [], [{ name: "blk.0.attn_q.weight", dims: [8, 8], type: GgmlType.Q8_0, data: new Float32Array(64) }], /blk\.0\.attn_q\.weight has ne\[0\] = 8, not a multiple of Q8_0's block size 32/],
    ["raw bytes of the wrong length", [], [{ name: "w", dims: [256], type: GgmlType.Q4_K, data: new Uint8Array(143) }], /tensor w \(Q4_K \[256\]\) needs 144 bytes, got 143/],
    ["too few values", [], [{ name: "w", dims: [4, 2], type: GgmlType.F32, data: new Float32Array(7) }], /tensor w \[4, 2\] needs 8 values, got 7/],
    ["a Float32Array for a type it cannot quantize", [], [{ name: "w", dims: [256], type: GgmlType.Q4_K, data: new Float32Array(256) }], /cannot quantize to Q4_K/],
    ["a duplicate tensor", [], [{ name: "w", dims: [1], type: 0, data: new Float32Array(1) }, { name: "w", dims: [1], type: 0, data: new Float32Array(1) }], /"w" appears twice/],
    ["a 64-byte name", [], [{ name: "x".repeat(64), dims: [1], type: 0, data: new Float32Array(1) }], /is 64 bytes; llama\.cpp needs 1 to 63/],
    ["5 dims", [], [{ name: "w", dims: [1, 1, 1, 1, 1], type: 0, data: new Float32Array(1) }], /5 dims/],
    ["an out-of-range UINT8", [{ key: "k", type: V.UINT8, value: 300 }], [], /"k" has value 300; its declared type needs an integer in \[0, 255\]/],
    ["a string declared FLOAT32", [{ key: "k", type: V.FLOAT32, value: "x" }], [], /"k" has value "x"; its declared type needs a number/],
    ["general.alignment stored as INT32", [{ key: "general.alignment", type: V.INT32, value: 64 }], [], /general\.alignment must be a UINT32 power of two/],
    ["a duplicate key", [{ key: "k", type: V.BOOL, value: true }, { key: "k", type: V.BOOL, value: false }], [], /"k" appears twice/],
  ];
  for (const [what, kvs, tensors, message] of cases) {
    it(what, async () => {
      const path = join(dir, `write-${n++}.gguf`);
      writeFileSync(path, "previous content");
      const e = await writeGguf(path, kvs, tensors).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(GgufError);
      expect((e as Error).message).toContain(path);
      expect((e as Error).message).toMatch(message);
      expect(readFileSync(path, "utf8")).toBe("previous content");
      expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
    });
  }

  it("a data function that throws leaves no file behind", async () => {
    const path = join(dir, "throws.gguf");
    const boom = () => {
      throw new Error("source gone");
    };
    await expect(writeGguf(path, [], [{ name: "w", dims: [1], type: 0, data: boom }])).rejects.toThrow("source gone");
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });
});
