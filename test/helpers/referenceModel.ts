/**
 * An independent float64 reference of the llama / qwen2 / qwen3 decoder, written in plain loops from
 * llama.cpp's definitions (ggml_rope NORM/NEOX pairing, rope_freqs divisors, linear RoPE scaling, per-head
 * q/k RMSNorm before RoPE, q/k/v biases, GQA head mapping, tied heads), plus LoRA deltas on any projection
 * and the masked next-token cross-entropy. It shares no code with the engine: it reads GGUF-layout tensors
 * (ggml ne [in, out], row-major data [out][in]) straight from the in-memory random models.
 */
import type { MemoryTensor, RandomModelSpec } from "../engine/model/randomModel";

/** The seven projections by their llama.cpp tensor stems (blk.N.<stem>.weight). */
export const REFERENCE_PROJECTIONS = {
  q: "attn_q",
  k: "attn_k",
  v: "attn_v",
  o: "attn_output",
  gate: "ffn_gate",
  up: "ffn_up",
  down: "ffn_down",
} as const;
export type ReferenceProjection = keyof typeof REFERENCE_PROJECTIONS;

/**
 * One LoRA pair in float64: y += scale * (x @ A) @ B with A row-major [inDim][r] and B row-major [r][outDim]
 * (the orientation of x @ A @ B on row vectors, i.e. PyTorch's A^T and B^T).
 */
export interface ReferenceLoraPair {
  a: Float64Array;
  b: Float64Array;
  r: number;
  scale: number;
}

/** LoRA pairs keyed by `${layer}.${proj}`. */
export type ReferenceLora = ReadonlyMap<string, ReferenceLoraPair>;

/** Input and output widths of a projection, from the spec alone. */
export function referenceProjectionShape(spec: RandomModelSpec, proj: ReferenceProjection): { inDim: number; outDim: number } {
  const qDim = spec.nHead * spec.headDim;
  const kvDim = spec.nHeadKv * spec.headDim;
  const shapes: Record<ReferenceProjection, [number, number]> = {
    q: [spec.nEmbd, qDim],
    k: [spec.nEmbd, kvDim],
    v: [spec.nEmbd, kvDim],
    o: [qDim, spec.nEmbd],
    gate: [spec.nEmbd, spec.nFf],
    up: [spec.nEmbd, spec.nFf],
    down: [spec.nFf, spec.nEmbd],
  };
  const [inDim, outDim] = shapes[proj];
  return { inDim, outDim };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** logprobs[t] = log p(tokens[t+1] | tokens[..t]) from float64 logits [T * vocab]. */
export function referenceLogprobs(logits: Float64Array, tokens: number[], vocab: number): Float64Array {
  const out = new Float64Array(tokens.length - 1);
  for (let t = 0; t + 1 < tokens.length; t++) out[t] = logSoftmaxAt(logits.subarray(t * vocab, (t + 1) * vocab), tokens[t + 1]!);
  return out;
}

function logSoftmaxAt(row: Float64Array, index: number): number {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return row[index]! - max - Math.log(sum);
}

/**
 * Mean negative log-likelihood over the loss-masked tokens of unpadded sequences, in float64:
 * token t + 1 counts where lossMask[t + 1] is 1, predicted from tokens[..t]. Sequences longer than maxLen + 1
 * are cut to maxLen + 1 tokens first (the trainer's truncation).
 */
export function referenceMaskedLoss(
  spec: RandomModelSpec,
  tensors: ReadonlyMap<string, MemoryTensor>,
  sequences: readonly { tokens: number[]; lossMask: number[] }[],
  maxLen: number,
  lora?: ReferenceLora,
): number {
  let sum = 0;
  let count = 0;
  for (const s of sequences) {
    const tokens = s.tokens.slice(0, maxLen + 1);
    const lp = referenceLogprobs(referenceLogits(spec, tensors, tokens, lora), tokens, spec.vocab);
    for (let t = 0; t + 1 < tokens.length; t++) {
      if (s.lossMask[t + 1]) {
        sum -= lp[t]!;
        count++;
      }
    }
  }
  return sum / Math.max(1, count);
}

/** Logits [T * vocab] of one sequence in float64, straight from the GGUF-layout tensors, with optional LoRA. */
export function referenceLogits(spec: RandomModelSpec, tensors: ReadonlyMap<string, MemoryTensor>, tokens: number[], lora?: ReferenceLora): Float64Array {
  const cache = new Map<string, Float64Array>();
  const W = (name: string) => {
    let w = cache.get(name);
    if (!w) {
      const t = tensors.get(name);
      if (!t) throw new Error(`reference: no tensor ${name}`);
      w = Float64Array.from(t.data);
      cache.set(name, w);
    }
    return w;
  };
  const has = (name: string) => tensors.has(name);
  const { nEmbd: D, nHead: H, nHeadKv: KV, headDim: hd, vocab: V, nRot, rmsEps: eps } = spec;
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
  // A projection: frozen weight (and bias), then the LoRA delta scale * (x A) B.
  const linear = (layer: number, proj: ReferenceProjection, x: Float64Array[]) => {
    const { inDim, outDim } = referenceProjectionShape(spec, proj);
    const p = `blk.${layer}.${REFERENCE_PROJECTIONS[proj]}`;
    const y = matvec(x, W(`${p}.weight`), inDim, outDim, has(`${p}.bias`) ? W(`${p}.bias`) : undefined);
    const pair = lora?.get(`${layer}.${proj}`);
    if (pair) {
      x.forEach((row, t) => {
        const xa = new Float64Array(pair.r);
        for (let k = 0; k < pair.r; k++) {
          let s = 0;
          for (let i = 0; i < inDim; i++) s += row[i]! * pair.a[i * pair.r + k]!;
          xa[k] = s;
        }
        for (let o = 0; o < outDim; o++) {
          let s = 0;
          for (let k = 0; k < pair.r; k++) s += xa[k]! * pair.b[k * outDim + o]!;
          y[t]![o] = y[t]![o]! + pair.scale * s;
        }
      });
    }
    return y;
  };
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
    const h = x.map((r) => Float64Array.from(r));
    const attnNorm = W(p + "attn_norm.weight");
    h.forEach((r) => norm(r, attnNorm));
    const q = linear(l, "q", h);
    const k = linear(l, "k", h);
    const v = linear(l, "v", h);
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
        for (let s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s]! - max);
        for (let s = 0; s <= t; s++) for (let i = 0; i < hd; i++) attn[t]![head * hd + i]! += (scores[s]! / sum) * v[s]![kvHead * hd + i]!;
      }
    }
    const o = linear(l, "o", attn);
    x = x.map((r, t) => r.map((val, i) => val + o[t]![i]!));
    const h2 = x.map((r) => Float64Array.from(r));
    const ffnNorm = W(p + "ffn_norm.weight");
    h2.forEach((r) => norm(r, ffnNorm));
    const gate = linear(l, "gate", h2);
    const up = linear(l, "up", h2);
    const act = gate.map((g, t) => g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * up[t]![i]!));
    const down = linear(l, "down", act);
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
