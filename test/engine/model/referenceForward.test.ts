/**
 * The tfjs forward pass against an independent float64 reference written here in plain loops, following
 * llama.cpp's definitions (ggml_rope NORM/NEOX pairing, rope_freqs divisors, per-head q/k RMSNorm before
 * RoPE, q/k/v biases, GQA head mapping, tied heads). It shares no code with the engine.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { LlamaModel, type LinearHooks } from "../../../electron/engine/model/LlamaModel";
import { randomModel, seededRandom, type MemoryTensor, type RandomModelSpec } from "./randomModel";

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

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function referenceLogprobs(logits: Float64Array, tokens: number[], vocab: number): Float64Array {
  const out = new Float64Array(tokens.length - 1);
  for (let t = 0; t + 1 < tokens.length; t++) {
    const row = logits.subarray(t * vocab, (t + 1) * vocab);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    out[t] = row[tokens[t + 1]!]! - max - Math.log(sum);
  }
  return out;
}

/** Logits [T * vocab] of one sequence in float64, straight from the GGUF-layout tensors. */
function referenceLogits(spec: RandomModelSpec, tensors: Map<string, MemoryTensor>, tokens: number[]): Float64Array {
  const W = (name: string) => Float64Array.from(tensors.get(name)!.data);
  const has = (name: string) => tensors.has(name);
  const { nEmbd: D, nHead: H, nHeadKv: KV, headDim: hd, nFf: F, vocab: V, nRot, rmsEps: eps } = spec;
  const n = tokens.length;
  const freqScale = spec.linearRopeFactor ? 1 / spec.linearRopeFactor : 1;
  const ropeFreqs = has("rope_freqs.weight") ? W("rope_freqs.weight") : undefined;

  // y[t][o] = sum_i w[o * inDim + i] * x[t][i] (+ b[o]): GGUF ne [in, out] data is row-major [out][in].
  const matvec = (x: Float64Array[], w: Float64Array, inDim: number, outDim: number, b?: Float64Array) =>
    x.map((row) => {
      const y = new Float64Array(outDim);
      for (let o = 0; o < outDim; o++) {
        let s = b ? b[o]! : 0;
        for (let i = 0; i < inDim; i++) s += w[o * inDim + i]! * row[i]!;
        y[o] = s;
      }
      return y;
    });
  const norm = (v: Float64Array, w: Float64Array, off = 0, len = v.length) => {
    let ss = 0;
    for (let i = 0; i < len; i++) ss += v[off + i]! ** 2;
    const r = 1 / Math.sqrt(ss / len + eps);
    for (let i = 0; i < len; i++) v[off + i] = v[off + i]! * r * w[i]!;
  };
  const rope = (v: Float64Array, off: number, pos: number) => {
    for (let i = 0; i < nRot / 2; i++) {
      const theta = ((pos * Math.pow(spec.ropeBase, (-2 * i) / nRot)) / (ropeFreqs ? ropeFreqs[i]! : 1)) * freqScale;
      const [a, b] = spec.arch === "llama" ? [off + 2 * i, off + 2 * i + 1] : [off + i, off + i + nRot / 2];
      const x0 = v[a]!;
      const x1 = v[b]!;
      v[a] = x0 * Math.cos(theta) - x1 * Math.sin(theta);
      v[b] = x0 * Math.sin(theta) + x1 * Math.cos(theta);
    }
  };

  const emb = W("token_embd.weight");
  let x = tokens.map((tok) => emb.slice(tok * D, (tok + 1) * D));
  for (let l = 0; l < spec.nLayer; l++) {
    const p = `blk.${l}.`;
    const bias = (name: string) => (has(p + name) ? W(p + name) : undefined);
    const h = x.map((r) => Float64Array.from(r));
    const attnNorm = W(p + "attn_norm.weight");
    h.forEach((r) => norm(r, attnNorm));
    const q = matvec(h, W(p + "attn_q.weight"), D, H * hd, bias("attn_q.bias"));
    const k = matvec(h, W(p + "attn_k.weight"), D, KV * hd, bias("attn_k.bias"));
    const v = matvec(h, W(p + "attn_v.weight"), D, KV * hd, bias("attn_v.bias"));
    for (let t = 0; t < n; t++) {
      for (let head = 0; head < H; head++) {
        if (has(p + "attn_q_norm.weight")) norm(q[t]!, W(p + "attn_q_norm.weight"), head * hd, hd);
        rope(q[t]!, head * hd, t);
      }
      for (let head = 0; head < KV; head++) {
        if (has(p + "attn_k_norm.weight")) norm(k[t]!, W(p + "attn_k_norm.weight"), head * hd, hd);
        rope(k[t]!, head * hd, t);
      }
    }
    const attn = Array.from({ length: n }, () => new Float64Array(H * hd));
    for (let head = 0; head < H; head++) {
      const kvHead = Math.floor(head / (H / KV));
      for (let t = 0; t < n; t++) {
        const scores = new Float64Array(t + 1);
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[t]![head * hd + i]! * k[s]![kvHead * hd + i]!;
          scores[s] = dot / Math.sqrt(hd);
        }
        const max = Math.max(...scores);
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += (scores[s] = Math.exp(scores[s]! - max));
        for (let s = 0; s <= t; s++) for (let i = 0; i < hd; i++) attn[t]![head * hd + i]! += (scores[s]! / sum) * v[s]![kvHead * hd + i]!;
      }
    }
    const o = matvec(attn, W(p + "attn_output.weight"), H * hd, D, bias("attn_output.bias"));
    x = x.map((r, t) => r.map((val, i) => val + o[t]![i]!));
    const h2 = x.map((r) => Float64Array.from(r));
    const ffnNorm = W(p + "ffn_norm.weight");
    h2.forEach((r) => norm(r, ffnNorm));
    const gate = matvec(h2, W(p + "ffn_gate.weight"), D, F);
    const up = matvec(h2, W(p + "ffn_up.weight"), D, F);
    const act = gate.map((g, t) => g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * up[t]![i]!));
    const down = matvec(act, W(p + "ffn_down.weight"), F, D);
    x = x.map((r, t) => r.map((val, i) => val + down[t]![i]!));
  }
  const outNorm = W("output_norm.weight");
  x.forEach((r) => norm(r, outNorm));
  const head = has("output.weight") ? W("output.weight") : emb;
  const logits = matvec(x, head, D, V);
  const out = new Float64Array(n * V);
  logits.forEach((r, t) => out.set(r, t * V));
  return out;
}
