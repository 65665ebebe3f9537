/**
 * An independent float64 forward pass of a Hugging Face-layout Llama / Qwen2 / Qwen3 decoder, written from the
 * transformers modeling code (LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM): RMSNorm, q/k/v projections
 * (bias for Qwen2), per-head q/k RMSNorm (Qwen3), rotate-half RoPE on (x[i], x[i + d/2]), grouped-query causal
 * attention, SwiGLU MLP, tied or untied head. Weights are PyTorch [out, in] row-major by their HF names.
 * It shares no code with the engine.
 */

export interface HfConfig {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffn: number;
  vocab: number;
  eps: number;
  ropeTheta: number;
  qkNorm: boolean;
}

export type HfWeights = Map<string, Float64Array>;

function rmsNorm(x: Float64Array, w: Float64Array, eps: number, off = 0, n = w.length): void {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[off + i]! * x[off + i]!;
  const inv = 1 / Math.sqrt(ss / n + eps);
  for (let i = 0; i < n; i++) x[off + i] = x[off + i]! * inv * w[i]!;
}

/** y[t] = W x[t] (+ b), W [out, in]. */
function linear(x: Float64Array, T: number, inDim: number, w: Float64Array, outDim: number, b?: Float64Array): Float64Array {
  const y = new Float64Array(T * outDim);
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < outDim; o++) {
      let s = b ? b[o]! : 0;
      const row = o * inDim;
      for (let i = 0; i < inDim; i++) s += w[row + i]! * x[t * inDim + i]!;
      y[t * outDim + o] = s;
    }
  }
  return y;
}

/** HF apply_rotary_pos_emb: x*cos + rotate_half(x)*sin with rotate_half(x) = cat(-x2, x1). */
function rotateHalf(x: Float64Array, T: number, nh: number, hd: number, theta: number): void {
  const half = hd / 2;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < nh; h++) {
      const off = (t * nh + h) * hd;
      for (let i = 0; i < half; i++) {
        const freq = 1 / Math.pow(theta, (2 * i) / hd);
        const c = Math.cos(t * freq);
        const s = Math.sin(t * freq);
        const x1 = x[off + i]!;
        const x2 = x[off + i + half]!;
        x[off + i] = x1 * c - x2 * s;
        x[off + i + half] = x2 * c + x1 * s;
      }
    }
  }
}

/** Log-softmax logprobs of tokens[t+1] given tokens[..t]. */
export function hfLogprobs(cfg: HfConfig, w: HfWeights, tokens: number[]): number[] {
  const get = (name: string) => {
    const v = w.get(name);
    if (!v) throw new Error(`reference: no weight ${name}`);
    return v;
  };
  const { hidden: D, heads: H, kvHeads: KV, headDim: hd, ffn: F, vocab: V } = cfg;
  const T = tokens.length;
  const emb = get("model.embed_tokens.weight");
  let x = new Float64Array(T * D);
  for (let t = 0; t < T; t++) x.set(emb.subarray(tokens[t]! * D, tokens[t]! * D + D), t * D);
  for (let l = 0; l < cfg.layers; l++) {
    const p = `model.layers.${l}.`;
    const h = Float64Array.from(x);
    for (let t = 0; t < T; t++) rmsNorm(h, get(`${p}input_layernorm.weight`), cfg.eps, t * D, D);
    const q = linear(h, T, D, get(`${p}self_attn.q_proj.weight`), H * hd, w.get(`${p}self_attn.q_proj.bias`));
    const k = linear(h, T, D, get(`${p}self_attn.k_proj.weight`), KV * hd, w.get(`${p}self_attn.k_proj.bias`));
    const v = linear(h, T, D, get(`${p}self_attn.v_proj.weight`), KV * hd, w.get(`${p}self_attn.v_proj.bias`));
    if (cfg.qkNorm) {
      for (let i = 0; i < T * H; i++) rmsNorm(q, get(`${p}self_attn.q_norm.weight`), cfg.eps, i * hd, hd);
      for (let i = 0; i < T * KV; i++) rmsNorm(k, get(`${p}self_attn.k_norm.weight`), cfg.eps, i * hd, hd);
    }
    rotateHalf(q, T, H, hd, cfg.ropeTheta);
    rotateHalf(k, T, KV, hd, cfg.ropeTheta);
    const attn = new Float64Array(T * H * hd);
    const group = H / KV;
    for (let head = 0; head < H; head++) {
      const kvh = Math.floor(head / group);
      for (let t = 0; t < T; t++) {
        const scores = new Float64Array(t + 1);
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[(t * H + head) * hd + i]! * k[(s * KV + kvh) * hd + i]!;
          scores[s] = dot / Math.sqrt(hd);
          max = Math.max(max, scores[s]!);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s]! - max);
        for (let s = 0; s <= t; s++) {
          const pr = scores[s]! / sum;
          for (let i = 0; i < hd; i++) attn[(t * H + head) * hd + i] += pr * v[(s * KV + kvh) * hd + i]!;
        }
      }
    }
    const o = linear(attn, T, H * hd, get(`${p}self_attn.o_proj.weight`), D);
    for (let i = 0; i < x.length; i++) x[i] += o[i]!;
    const h2 = Float64Array.from(x);
    for (let t = 0; t < T; t++) rmsNorm(h2, get(`${p}post_attention_layernorm.weight`), cfg.eps, t * D, D);
    const g = linear(h2, T, D, get(`${p}mlp.gate_proj.weight`), F);
    const u = linear(h2, T, D, get(`${p}mlp.up_proj.weight`), F);
    for (let i = 0; i < g.length; i++) g[i] = (g[i]! / (1 + Math.exp(-g[i]!))) * u[i]!;
    const down = linear(g, T, F, get(`${p}mlp.down_proj.weight`), D);
    for (let i = 0; i < x.length; i++) x[i] += down[i]!;
  }
  for (let t = 0; t < T; t++) rmsNorm(x, get("model.norm.weight"), cfg.eps, t * D, D);
  const logits = linear(x, T, D, w.get("lm_head.weight") ?? emb, V);
  const out: number[] = [];
  for (let t = 0; t + 1 < T; t++) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, logits[t * V + j]!);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(logits[t * V + j]! - max);
    out.push(logits[t * V + tokens[t + 1]!]! - max - Math.log(sum));
  }
  x = new Float64Array(0);
  return out;
}
