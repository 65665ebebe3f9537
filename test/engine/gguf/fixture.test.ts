import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GgufFile, openGguf } from "../../../electron/engine/gguf/GgufFile";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { llama2TinyFixture, requireFixture } from "../../helpers/paths";

// A GGUF written by llama.cpp's own converter: the reader is checked against a file we did not make.
const fixture = requireFixture(llama2TinyFixture);
const dir = mkdtempSync(join(tmpdir(), "gguf-fixture-"));
let f: GgufFile;
beforeAll(async () => {
  f = await openGguf(fixture);
});
afterAll(async () => {
  await f?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("llama-2-tiny-random.gguf", () => {
  it("has the metadata its README lists", () => {
    expect(f.version).toBe(3);
    expect(f.path).toBe(fixture);
    expect(f.string("general.architecture")).toBe("llama");
    expect(f.number("llama.block_count")).toBe(1);
    expect(f.number("llama.embedding_length")).toBe(8);
    expect(f.number("llama.feed_forward_length")).toBe(32);
    expect(f.number("llama.attention.head_count")).toBe(2);
    expect(f.number("llama.attention.head_count_kv")).toBe(2);
    expect(f.number("llama.rope.dimension_count")).toBe(4);
    expect(f.number("llama.context_length")).toBe(4096);
    expect(f.number("llama.attention.layer_norm_rms_epsilon")).toBe(Math.fround(1e-5));
    expect(f.string("tokenizer.ggml.model")).toBe("llama");
    expect(f.number("tokenizer.ggml.bos_token_id")).toBe(1);
    const tokens = f.value("tokenizer.ggml.tokens") as string[];
    expect(tokens).toHaveLength(32000);
    expect(tokens.slice(0, 4)).toEqual(["<unk>", "<s>", "</s>", "<0x00>"]);
    expect(tokens).toContain("\uFEFF"); // a BOM token: a decoder that strips BOMs would lose it
    expect((f.value("tokenizer.ggml.scores") as number[]).length).toBe(32000);
    expect(f.alignment).toBe(32);
  });

  it("agrees with node-llama-cpp's parser on every tensor info and on the tokens", async () => {
    const info = await readGgufFileInfo(fixture, { readTensorInfo: true, ignoreKeys: [] });
    const theirs = (info.fullTensorInfo ?? []).map((t) => [t.name, t.dimensions.map(Number), t.ggmlType, Number(t.fileOffset)]);
    expect(theirs).toHaveLength(12);
    expect(f.tensors.map((t) => [t.name, t.dims, t.type, t.fileOffset])).toEqual(theirs);
    expect(f.value("tokenizer.ggml.tokens")).toEqual(info.metadata.tokenizer.ggml.tokens);
  });

  it("reads every tensor: raw bytes as at their offset in the file, values finite and not all zero", async () => {
    const whole = readFileSync(fixture);
    for (const t of f.tensors) {
      const bytes = await f.readTensorBytes(t.name);
      expect(Buffer.from(bytes).equals(whole.subarray(t.fileOffset, t.fileOffset + t.byteLength)), t.name).toBe(true);
      const values = await f.readTensorF32(t.name);
      expect(values.length, t.name).toBe(t.elementCount);
      expect(values.every(Number.isFinite), t.name).toBe(true);
      expect(values.some((v) => v !== 0), t.name).toBe(true);
    }
    expect(f.tensor("token_embd.weight")).toMatchObject({ dims: [8, 32000], type: GgmlType.F16, byteLength: 512000 });
    expect(f.tensor("blk.0.attn_norm.weight")).toMatchObject({ dims: [8], type: GgmlType.F32 });
  });

  it("rewritten with the same kvs and original types, is byte-identical to what llama.cpp's converter wrote", async () => {
    const out = join(dir, "same.gguf");
    // Streamed: each tensor is read from the source file only when the writer reaches it.
    await writeGguf(out, f.kvs, f.tensors.map((t) => ({ name: t.name, dims: t.dims, type: t.type, data: () => f.readTensorBytes(t.name) })));
    expect(readFileSync(out).equals(readFileSync(fixture))).toBe(true);
  });

  it("rewritten as F32 and re-read, has the same metadata and values", async () => {
    const out = join(dir, "f32.gguf");
    const tensors = await Promise.all(
      f.tensors.map(async (t) => ({ name: t.name, dims: t.dims, type: GgmlType.F32, data: await f.readTensorF32(t.name) })),
    );
    await writeGguf(out, f.kvs, tensors);
    const g = await openGguf(out);
    try {
      expect(g.kvs).toEqual(f.kvs);
      expect(g.tensors.map((t) => t.type)).toEqual(f.tensors.map(() => GgmlType.F32));
      for (const t of tensors) expect(Array.from(await g.readTensorF32(t.name)), t.name).toEqual(Array.from(t.data));
    } finally {
      await g.close();
    }
  });
});
