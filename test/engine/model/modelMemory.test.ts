/** Tensor lifetimes on the backend the app uses: calls leave no tensors behind, dispose() frees the weights. */
import { beforeAll, describe, expect, it } from "vitest";
import { LlamaModel, type LinearHooks } from "../../../electron/engine/model/LlamaModel";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { randomModel } from "./randomModel";

let tf: Awaited<ReturnType<typeof initTfjs>>["tf"];
beforeAll(async () => {
  ({ tf } = await initTfjs({ prefer: "wasm" }));
});

describe("LlamaModel memory", () => {
  it("forward, logprobs and hooks leave numTensors unchanged; dispose frees everything", async () => {
    const start = tf.memory().numTensors;
    const m = randomModel({ arch: "qwen2", nLayer: 2, nEmbd: 32, nHead: 4, nHeadKv: 2, headDim: 8, nFf: 48, vocab: 64, nRot: 8, ropeBase: 1e4, rmsEps: 1e-6, tied: true, qkvBias: true }, 3);
    const model = await LlamaModel.load(m.source);
    // Embedding, transposed tied head, output norm; per layer 7 weights, 3 biases, 2 norms.
    expect(tf.memory().numTensors - start).toBe(3 + 2 * 12);
    const tokens = [[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]];
    const delta = tf.tensor2d(new Float32Array(32 * 16).fill(0.01), [32, 16]);
    const hooks: LinearHooks = (_layer, proj, x, base) => (proj === "k" ? tf.add(base, tf.matMul(x, delta)) : base);

    // The first call of a sequence length caches its RoPE tables and mask (3 tensors, freed by dispose).
    model.forward(tokens).dispose();
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      model.forward(tokens).dispose();
      model.forward(tokens, hooks).dispose();
      await model.logprobs(tokens[0]!);
      model.hidden(tokens).dispose();
    }
    expect(tf.memory().numTensors).toBe(warm);

    // Only a few lengths stay cached.
    for (let t = 2; t <= 9; t++) await model.logprobs(tokens[0]!.concat(tokens[1]!).slice(0, t));
    expect(tf.memory().numTensors).toBeLessThanOrEqual(warm - 3 + 4 * 3);

    delta.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(() => model.forward(tokens)).toThrow(/disposed/);
  });

  it("rejects token ids outside the vocabulary and ragged batches", async () => {
    const m = randomModel({ arch: "llama", nLayer: 1, nEmbd: 16, nHead: 2, nHeadKv: 2, headDim: 8, nFf: 32, vocab: 20, nRot: 8, ropeBase: 1e4, rmsEps: 1e-5, tied: false }, 4);
    const model = await LlamaModel.load(m.source);
    try {
      expect(() => model.forward([[1, 20]])).toThrow(/token id 20 .*\[0, 20\)/);
      expect(() => model.forward([[1, 2], [3]])).toThrow(/row 1 has 1 tokens/);
      await expect(model.logprobs([3])).rejects.toThrow(/at least 2 tokens/);
    } finally {
      model.dispose();
    }
  });
});
