/**
 * Gradient checkpointing (checkpointedHidden: each block recomputed under a nested tf.grads in the backward pass) on
 * webgpu, through the engine's own kernels (the fused attention and, kept quantized, the dequantize-and-matmul from
 * GGUF blocks): the same loss and LoRA gradients as the plain taped pass, and as the float32 twin, within 1e-5.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { fusedAttentionAvailable } from "../../../electron/engine/model/fusedCausalAttention";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { lossAndGradients, type LossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { makeBatch } from "../../../electron/engine/training/makeBatch";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { useSwiftShader } from "../../native-deps/swiftShader";
import { seededRandom } from "../model/randomModel";

const skip = useSwiftShader();
if (skip) console.info(`webgpu checkpointed kernels test skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), "lora-studio-webgpu-ckpt-"));

beforeAll(async () => {
  if (skip) return;
  expect((await initTfjs({ prefer: "webgpu" })).backend).toBe("webgpu");
});
afterAll(async () => {
  await releaseTfjs();
  rmSync(dir, { recursive: true, force: true });
});

async function worstGradient(a: LossAndGradients, b: LossAndGradients): Promise<number> {
  let worst = 0;
  for (const [name, g] of Object.entries(a.grads)) {
    const x = (await g.data()) as Float32Array;
    const y = (await b.grads[name]!.data()) as Float32Array;
    const scale = Math.max(...x.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    worst = Math.max(worst, Math.max(...x.map((v, i) => Math.abs(v - y[i]!))) / scale);
  }
  return worst;
}

describe.skipIf(skip)("gradient checkpointing on webgpu's own kernels", () => {
  it("checkpointed and plain passes, kept quantized and float32, agree within 1e-5", async () => {
    expect(fusedAttentionAvailable()).toBe(true);
    const path = join(dir, "q8.gguf");
    await makeTinyModel({ arch: "qwen2", preset: "tiny", dtype: "q8_0", seed: 4, out: path });
    const file = await openGguf(path);
    const quantized = await LlamaModel.load(file, { keepQuantized: true });
    const twin = await LlamaModel.load(file);
    await file.close();
    const adapter = LoraAdapter.create(twin.config, LoraConfigSchema.parse({ rank: 2, alpha: 4, dropout: 0, targets: ["q", "k", "v", "down"] }), 3);
    const results: LossAndGradients[] = [];
    try {
      const rng = seededRandom(6);
      const weights = await adapter.getWeights();
      for (const w of Object.values(weights)) for (let i = 0; i < w.values.length; i++) w.values[i] = rng.normal() * 0.1;
      adapter.setWeights(weights);
      const seq = () => Array.from({ length: 13 }, () => Math.floor(rng.uniform() * twin.config.vocabSize));
      const batch = makeBatch([{ tokens: seq(), lossMask: Array(13).fill(1) }, { tokens: seq(), lossMask: [0, 0, 0, ...Array(10).fill(1)] }], 12);
      for (const model of [twin, quantized]) {
        for (const gradientCheckpointing of [false, true]) results.push(await lossAndGradients(model, adapter, batch, undefined, { gradientCheckpointing }));
      }
      expect(quantized.weights.quantized!.layers[0]!.proj.q.w.gpu).toBeDefined();
      const [plain, ...others] = results;
      for (const [i, r] of others.entries()) {
        const worst = await worstGradient(plain!, r);
        console.info(`webgpu, ${["float32 checkpointed", "kept quantized", "kept quantized checkpointed"][i]} vs float32 plain: loss ${r.loss} vs ${plain!.loss}, worst gradient ${worst.toExponential(2)} relative`);
        expect(Math.abs(r.loss - plain!.loss) / plain!.loss).toBeLessThanOrEqual(1e-5);
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      for (const r of results) for (const g of Object.values(r.grads)) g.dispose();
      adapter.dispose();
      quantized.dispose();
      twin.dispose();
    }
  }, 300_000);
});
