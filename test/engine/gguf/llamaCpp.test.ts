import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, type Llama, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { llama2TinyFixture, requireFixture } from "../../helpers/paths";

// Files we write must load and run in llama.cpp itself, not only in our own reader.
const fixture = requireFixture(llama2TinyFixture);
const dir = mkdtempSync(join(tmpdir(), "gguf-llamacpp-"));
let llama: Llama;
const f32Path = join(dir, "f32.gguf");
const f16Path = join(dir, "f16.gguf");

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: "never" });
  const src = await openGguf(fixture);
  try {
    const read = await Promise.all(src.tensors.map(async (t) => ({ t, values: await src.readTensorF32(t.name) })));
    await writeGguf(f32Path, src.kvs, read.map(({ t, values }) => ({ name: t.name, dims: t.dims, type: GgmlType.F32, data: values })));
    // Matrices F16 and norms F32, as llama.cpp's converter stores them.
    const f16 = read.map(({ t, values }) => ({ name: t.name, dims: t.dims, type: t.dims.length > 1 ? GgmlType.F16 : GgmlType.F32, data: values }));
    await writeGguf(f16Path, src.kvs, f16);
  } finally {
    await src.close();
  }
});
afterAll(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Next-token probabilities after a short prompt. */
async function nextTokenProbabilities(modelPath: string): Promise<Map<number, number>> {
  const model: LlamaModel = await llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({ contextSize: 64 });
    try {
      const tokens = model.tokenize("Hello world, the");
      expect(tokens.length).toBeGreaterThan(2);
      const sequence = context.getSequence();
      const res = await sequence.controlledEvaluate(
        tokens.map((t, i) => (i === tokens.length - 1 ? [t, { generateNext: { probabilities: true } }] : t)),
      );
      const probs = res.at(-1)?.next?.probabilities;
      if (probs === undefined) throw new Error("llama.cpp returned no probabilities");
      return probs as Map<number, number>;
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

describe("GGUF files written by writeGguf load and run in llama.cpp", () => {
  it("F16 copy gives exactly the original's next-token distribution; F32 copy a near-identical one", async () => {
    const original = await nextTokenProbabilities(fixture);
    const f16 = await nextTokenProbabilities(f16Path);
    const f32 = await nextTokenProbabilities(f32Path);
    expect(original.size).toBe(32000);
    expect(f16.size).toBe(32000);
    expect(f32.size).toBe(32000);
    // The random model's distribution is far from uniform, so agreement below means the weights were the same.
    const ps = Array.from(original.values());
    expect(Math.max(...ps) / Math.min(...ps)).toBeGreaterThan(1.2);
    let maxDiff16 = 0;
    let maxLogRatio32 = 0;
    for (const [token, p] of original) {
      maxDiff16 = Math.max(maxDiff16, Math.abs((f16.get(token) ?? -1) - p));
      maxLogRatio32 = Math.max(maxLogRatio32, Math.abs(Math.log((f32.get(token) ?? 0) / p)));
    }
    expect(maxDiff16).toBe(0);
    // F32 weights hold the same values; only llama.cpp's F16 and F32 matmul paths differ (measured: ~5e-5).
    expect(maxLogRatio32).toBeLessThan(1e-3);
  });
});
