/**
 * The tfjs forward pass against an independent float64 reference (test/helpers/referenceModel.ts) written in
 * plain loops, following llama.cpp's definitions (ggml_rope NORM/NEOX pairing, rope_freqs divisors, per-head
 * q/k RMSNorm before RoPE, q/k/v biases, GQA head mapping, tied heads). It shares no code with the engine.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { LlamaModel, type LinearHooks } from "../../../electron/engine/model/LlamaModel";
import { maxAbsDiff, referenceLogits, referenceLogprobs } from "../../helpers/referenceModel";
import { randomModel, seededRandom, type RandomModelSpec } from "./randomModel";

const SPECS: Record<string, RandomModelSpec> = {
  // GQA 4/2, untied head, Llama 3.1-style rope_freqs divisors and linear RoPE scaling.
  "llama (GQA, rope_freqs, linear scaling)": {
    arch: "llama", nLayer: 2, nEmbd: 32, nHead: 4, nHeadKv: 2, headDim: 8, nFf: 48, vocab: 50, nRot: 8,
    ropeBase: 10000, rmsEps: 1e-5, tied: false, ropeFreqs: true, linearRopeFactor: 2,
  },
  // Partial rotation (nRot < headDim), head width from key_length (nHead * headDim != nEmbd), tied head.
  "llama (partial rope, key_length, tied)": {
    arch: "llama", nLayer: 2, nEmbd: 24, nHead: 3, nHeadKv: 1, headDim: 12, nFf: 40, vocab: 40, nRot: 8,
    ropeBase: 500, rmsEps: 1e-6, tied: true,
  },
  "qwen2 (biases, GQA, tied)": {
    arch: "qwen2", nLayer: 2, nEmbd: 32, nHead: 4, nHeadKv: 2, headDim: 8, nFf: 56, vocab: 60, nRot: 8,
    ropeBase: 1000, rmsEps: 1e-6, tied: true, qkvBias: true,
  },
  "qwen3 (q/k norm, key_length, untied)": {
    arch: "qwen3", nLayer: 2, nEmbd: 32, nHead: 4, nHeadKv: 2, headDim: 16, nFf: 48, vocab: 50, nRot: 16,
    ropeBase: 1000000, rmsEps: 1e-6, tied: false, qkNorm: true,
  },
};

const T = 24;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe.each(Object.entries(SPECS))("reference forward: %s", (_label, spec) => {
  it("matches float64 logits and logprobs, batched and single", async () => {
    const m = randomModel(spec, 1234);
    const model = await LlamaModel.load(m.source);
    try {
      const rng = seededRandom(99);
      const rows = [0, 1].map(() => Array.from({ length: T }, () => Math.floor(rng.uniform() * spec.vocab)));
      const logits = model.forward(rows);
      expect(logits.shape).toEqual([2, T, spec.vocab]);
      const got = (await logits.data()) as Float32Array;
      logits.dispose();
      for (let r = 0; r < rows.length; r++) {
        const want = referenceLogits(spec, m.tensors, rows[r]!);
        expect(maxAbsDiff(got.subarray(r * T * spec.vocab, (r + 1) * T * spec.vocab), want)).toBeLessThan(1e-4);
      }
      const lp = await model.logprobs(rows[0]!);
      const wantLp = referenceLogprobs(referenceLogits(spec, m.tensors, rows[0]!), rows[0]!, spec.vocab);
      expect(lp.length).toBe(T - 1);
      expect(maxAbsDiff(lp, wantLp)).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });
});

describe("linear hooks", () => {
  it("see every projection, and adding x @ D equals a model whose weight is W + D", async () => {
    const spec = SPECS["qwen2 (biases, GQA, tied)"]!;
    const m = randomModel(spec, 7);
    const model = await LlamaModel.load(m.source);
    try {
      const tokens = [Array.from({ length: 10 }, (_, i) => (i * 7) % spec.vocab)];
      const seen: string[] = [];
      const identity: LinearHooks = (layer, proj, _x, base) => {
        seen.push(`${layer}.${proj}`);
        return base;
      };
      const plain = model.forward(tokens);
      const hooked = model.forward(tokens, identity);
      expect(seen.sort()).toEqual([0, 1].flatMap((l) => ["q", "k", "v", "o", "gate", "up", "down"].map((p) => `${l}.${p}`)).sort());
      expect(maxAbsDiff(await plain.data(), await hooked.data())).toBe(0);
      tf.dispose([plain, hooked]);

      // A delta on layer 1's v projection and layer 0's down projection, through the hook...
      const rng = seededRandom(5);
      const kvDim = spec.nHeadKv * spec.headDim;
      const deltas: Record<string, { inDim: number; outDim: number; data: Float32Array }> = {
        "1.v": { inDim: spec.nEmbd, outDim: kvDim, data: Float32Array.from({ length: spec.nEmbd * kvDim }, () => rng.normal() * 0.2) },
        "0.down": { inDim: spec.nFf, outDim: spec.nEmbd, data: Float32Array.from({ length: spec.nFf * spec.nEmbd }, () => rng.normal() * 0.2) },
      };
      const addDelta: LinearHooks = (layer, proj, x, base) => {
        const d = deltas[`${layer}.${proj}`];
        return d ? tf.add(base, tf.matMul(x, tf.tensor2d(d.data, [d.inDim, d.outDim]))) : base;
      };
      const before = tf.memory().numTensors;
      const withHook = model.forward(tokens, addDelta);
      expect(tf.memory().numTensors).toBe(before + 1);
      // ...equals the reference with the delta folded into the weights (D is [in, out]; GGUF data is [out][in]).
      const tensors = new Map(m.tensors);
      const fold = (name: string, d: { inDim: number; outDim: number; data: Float32Array }) => {
        const w = tensors.get(name)!;
        const data = Float32Array.from(w.data);
        for (let o = 0; o < d.outDim; o++) for (let i = 0; i < d.inDim; i++) data[o * d.inDim + i]! += d.data[i * d.outDim + o]!;
        tensors.set(name, { dims: w.dims, data });
      };
      fold("blk.1.attn_v.weight", deltas["1.v"]!);
      fold("blk.0.ffn_down.weight", deltas["0.down"]!);
      expect(maxAbsDiff((await withHook.data()) as Float32Array, referenceLogits(spec, tensors, tokens[0]!))).toBeLessThan(1e-4);
      withHook.dispose();
    } finally {
      model.dispose();
    }
  });
});
