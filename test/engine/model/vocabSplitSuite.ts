/**
 * Vocabulary chunks (electron/engine/model/VocabSplit.ts): a model whose embedding and head are split to fit a
 * (forced, tiny) GPU binding limit gives the same logprobs, loss and LoRA gradients as the same model unsplit.
 * Shared by vocabSplit.test.ts (wasm) and webgpuVocabSplit.test.ts (webgpu on SwiftShader).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { lossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { makeBatch } from "../../../electron/engine/training/makeBatch";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { randomModel, seededRandom, type RandomModelSpec } from "./randomModel";

const SPECS: Record<string, RandomModelSpec> = {
  "llama, untied head": { arch: "llama", nLayer: 1, nEmbd: 16, nHead: 4, nHeadKv: 2, headDim: 4, nFf: 24, vocab: 29, nRot: 4, ropeBase: 10000, rmsEps: 1e-5, tied: false },
  "qwen2, tied head": { arch: "qwen2", nLayer: 1, nEmbd: 16, nHead: 4, nHeadKv: 2, headDim: 4, nFf: 20, vocab: 31, nRot: 4, ropeBase: 1000, rmsEps: 1e-6, tied: true, qkvBias: true },
};
const ROWS_PER_CHUNK = 7;
const LIMIT = ROWS_PER_CHUNK * 16 * 4; // bytes: 7 rows of 16 floats

async function load(spec: RandomModelSpec, limit?: number): Promise<LlamaModel> {
  if (limit) process.env.LORA_STUDIO_MAX_BINDING_BYTES = String(limit);
  try {
    return await LlamaModel.load(randomModel(spec, 99).source);
  } finally {
    delete process.env.LORA_STUDIO_MAX_BINDING_BYTES;
  }
}

export function describeVocabSplit(backend: "wasm" | "webgpu", skip?: string): void {
  beforeAll(async () => {
    if (skip) return;
    expect((await initTfjs({ prefer: backend })).tf.getBackend()).toBe(backend);
  });
  afterAll(async () => {
    if (backend !== "wasm") await releaseTfjs();
  });

  describe.skipIf(skip).each(Object.entries(SPECS))(`vocabulary chunks on ${backend}: %s`, (_, spec) => {
    it("give the same logprobs, loss and LoRA gradients as the unsplit model", async () => {
      const plain = await load(spec);
      const split = await load(spec, LIMIT);
      const adapter = LoraAdapter.create(plain.config, LoraConfigSchema.parse({ rank: 2, alpha: 4, dropout: 0 }), 3);
      try {
        expect(plain.weights.vocabSplit).toBeUndefined();
        const chunks = split.weights.vocabSplit!;
        expect(split.weights.tokenEmbd).toBeUndefined();
        expect(split.weights.output).toBeUndefined();
        expect(chunks.tokenEmbd.chunks).toHaveLength(Math.ceil(spec.vocab / ROWS_PER_CHUNK));
        for (const c of [...chunks.tokenEmbd.chunks, ...chunks.head.chunks]) expect(c.size * 4).toBeLessThanOrEqual(LIMIT);
        expect(chunks.head === chunks.tokenEmbd).toBe(spec.tied);

        const rng = seededRandom(4);
        const weights = await adapter.getWeights();
        for (const w of Object.values(weights)) for (let i = 0; i < w.values.length; i++) w.values[i] = rng.normal() * 0.3;
        adapter.setWeights(weights);
        // Every token id, repeated and out of order, so every chunk and both ends of each are looked up.
        const tokens = Array.from({ length: 3 * spec.vocab }, (_, i) => (i * 11 + 5) % spec.vocab);
        const a = await plain.logprobs(tokens, adapter.hooks());
        const b = await split.logprobs(tokens, adapter.hooks());
        expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThanOrEqual(1e-5);

        const seq = (n: number) => Array.from({ length: n }, () => Math.floor(rng.uniform() * spec.vocab));
        const batch = makeBatch([{ tokens: seq(12), lossMask: Array(12).fill(1) }, { tokens: seq(9), lossMask: [0, 0, 1, 1, 1, 1, 1, 1, 1] }], 11);
        const ga = await lossAndGradients(plain, adapter, batch);
        const gb = await lossAndGradients(split, adapter, batch);
        expect(Math.abs(gb.loss - ga.loss)).toBeLessThanOrEqual(1e-6 * ga.loss);
        let worst = 0;
        for (const [name, g] of Object.entries(ga.grads)) {
          const x = (await g.data()) as Float32Array;
          const y = (await gb.grads[name]!.data()) as Float32Array;
          const scale = Math.max(...x.map(Math.abs));
          expect(scale).toBeGreaterThan(0);
          worst = Math.max(worst, Math.max(...x.map((v, i) => Math.abs(v - y[i]!))) / scale);
        }
        for (const g of [...Object.values(ga.grads), ...Object.values(gb.grads)]) g.dispose();
        expect(worst).toBeLessThanOrEqual(1e-5);
      } finally {
        adapter.dispose();
        plain.dispose();
        split.dispose();
      }
    });
  });
}
