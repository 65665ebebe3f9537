import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Llama } from "node-llama-cpp";
import { makeTinyModel, TINY_ARCHS } from "../../../../electron/engine/gguf/tiny/makeTinyModel";
import { makeTokenizer } from "../../../../electron/engine/gguf/tiny/makeTokenizer";
import { openGguf } from "../../../../electron/engine/gguf/GgufFile";
import { sha256File } from "../../../../electron/engine/util/sha256File";
import { getLlamaRuntime } from "../../../../electron/engine/inference/llamaRuntime";

const dir = mkdtempSync(join(tmpdir(), "make-model-"));
let llama: Llama;
beforeAll(async () => {
  llama = await getLlamaRuntime(false);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("makeTokenizer", () => {
  it("has exactly the requested size, specials and byte tokens in place", () => {
    const t = makeTokenizer(1024);
    expect(t.tokens).toHaveLength(1024);
    expect(t.tokens.slice(0, 3)).toEqual(["<unk>", "<s>", "</s>"]);
    expect(t.tokens[3]).toBe("<0x00>");
    expect(t.tokens[3 + 255]).toBe("<0xFF>");
    expect(new Set(t.tokens).size).toBe(1024);
  });

  it("refuses a vocabulary too small to hold bytes and characters", () => {
    expect(() => makeTokenizer(300)).toThrow(/too small/);
  });
});

describe("makeTinyModel", () => {
  for (const arch of TINY_ARCHS) {
    it(`writes a ${arch} model that llama.cpp loads, tokenizes and runs`, async () => {
      const out = join(dir, `${arch}.gguf`);
      const summary = await makeTinyModel({ arch, preset: "tiny", out, seed: 1 });
      const file = await openGguf(out);
      expect(file.string("general.architecture")).toBe(arch);
      expect(file.hasTensor("blk.0.attn_q.bias")).toBe(arch === "qwen2");
      expect(file.hasTensor("blk.0.attn_q_norm.weight")).toBe(arch === "qwen3");
      expect(file.tensors.reduce((n, t) => n + t.elementCount, 0)).toBe(summary.parameters);
      await file.close();

      const model = await llama.loadModel({ modelPath: out });
      try {
        const text = "Hello world, the patient has a fever. 病人发烧了。";
        const tokens = model.tokenize(text);
        // Listed words and common Chinese characters are single tokens ("▁Hello", "▁patient", "病"), so far
        // fewer tokens than UTF-8 bytes; the rest falls back to characters and bytes.
        expect(tokens.length).toBeLessThan(Buffer.byteLength(text) / 3);
        expect(model.detokenize(tokens)).toBe(text);
        const context = await model.createContext({ contextSize: 128 });
        const sequence = context.getSequence();
        const generated: number[] = [];
        for await (const token of sequence.evaluate([model.tokens.bos!, ...tokens], { temperature: 0 })) {
          generated.push(token);
          if (generated.length === 4) break;
        }
        expect(generated).toHaveLength(4);
        await context.dispose();
      } finally {
        await model.dispose();
      }
    });
  }

  it("writes F16 and Q8_0 files that llama.cpp loads", async () => {
    for (const dtype of ["f16", "q8_0"] as const) {
      const out = join(dir, `llama-${dtype}.gguf`);
      await makeTinyModel({ arch: "llama", preset: "tiny", dtype, out });
      const model = await llama.loadModel({ modelPath: out });
      expect(model.fileInfo.metadata.general.architecture).toBe("llama");
      const context = await model.createContext({ contextSize: 64 });
      await context.dispose();
      await model.dispose();
    }
  });

  it("carries a ChatML template that node-llama-cpp recognises", async () => {
    const out = join(dir, "chat.gguf");
    await makeTinyModel({ arch: "qwen2", preset: "tiny", out });
    const { resolveChatWrapper } = await import("node-llama-cpp");
    const model = await llama.loadModel({ modelPath: out });
    const wrapper = resolveChatWrapper(model);
    expect(wrapper?.wrapperName).toBe("ChatML");
    await model.dispose();
  });

  it("is deterministic for a seed and differs between seeds", async () => {
    const a = join(dir, "a.gguf");
    const b = join(dir, "b.gguf");
    const c = join(dir, "c.gguf");
    await makeTinyModel({ arch: "llama", preset: "tiny", seed: 7, out: a });
    await makeTinyModel({ arch: "llama", preset: "tiny", seed: 7, out: b });
    await makeTinyModel({ arch: "llama", preset: "tiny", seed: 8, out: c });
    expect(await sha256File(a)).toBe(await sha256File(b));
    expect(await sha256File(a)).not.toBe(await sha256File(c));
  });
});
