/**
 * A quantized base (Q8_0 kept as GGUF bytes, dequantized per block while it runs) trains on webgpu like its
 * dequantized float32 twin: same loss and LoRA gradients within 1e-4. (Q4_K: makeTinyModel writes F32/F16/Q8_0.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { lossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { makeBatch } from "../../../electron/engine/training/makeBatch";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { useSwiftShader } from "../../native-deps/swiftShader";
import { seededRandom } from "../model/randomModel";

const skip = useSwiftShader();
if (skip) console.info(`webgpu quantized-base test skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), "lora-studio-webgpu-q8-"));

beforeAll(async () => {
  if (skip) return;
  expect((await initTfjs({ prefer: "webgpu" })).backend).toBe("webgpu");
});
afterAll(async () => {
  await releaseTfjs();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)("quantized base on webgpu", () => {
  it("Q8_0 kept quantized equals its dequantized float32 twin (loss and LoRA gradients within 1e-4)", async () => {
    const path = join(dir, "q8.gguf");
    await makeTinyModel({ arch: "llama", preset: "tiny", dtype: "q8_0", seed: 4, out: path });
    const file = await openGguf(path);
    const quantized = await LlamaModel.load(file, { keepQuantized: true });
    const twin = await LlamaModel.load(file);
    await file.close();
    const adapter = LoraAdapter.create(twin.config, LoraConfigSchema.parse({ rank: 2, alpha: 4, dropout: 0, targets: ["q", "v", "down"] }), 3);
    try {
      expect(quantized.weights.quantized).toBeDefined();
      expect(twin.weights.quantized).toBeUndefined();
      const rng = seededRandom(6);
      const weights = await adapter.getWeights();
      for (const w of Object.values(weights)) for (let i = 0; i < w.values.length; i++) w.values[i] = rng.normal() * 0.1;
      adapter.setWeights(weights);
      const tokens = Array.from({ length: 17 }, () => Math.floor(rng.uniform() * twin.config.vocabSize));
      const batch = makeBatch([{ tokens, lossMask: tokens.map((_, i) => (i >= 3 ? 1 : 0)) }], 16);
      const a = await lossAndGradients(twin, adapter, batch);
      const b = await lossAndGradients(quantized, adapter, batch);
      expect(Math.abs(b.loss - a.loss) / a.loss).toBeLessThanOrEqual(1e-4);
      let worst = 0;
      for (const [name, g] of Object.entries(a.grads)) {
        const x = (await g.data()) as Float32Array;
        const y = (await b.grads[name]!.data()) as Float32Array;
        const scale = Math.max(...x.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        worst = Math.max(worst, Math.max(...x.map((v, i) => Math.abs(v - y[i]!))) / scale);
      }
      for (const g of [...Object.values(a.grads), ...Object.values(b.grads)]) g.dispose();
      console.info(`webgpu Q8_0 kept quantized vs float32 twin: loss ${b.loss} vs ${a.loss}, worst gradient difference ${worst.toExponential(2)} relative`);
      expect(worst).toBeLessThanOrEqual(1e-4);
    } finally {
      adapter.dispose();
      quantized.dispose();
      twin.dispose();
    }
  });
});
