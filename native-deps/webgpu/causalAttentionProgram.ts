/** What a CausalAttentionProgram computes; every mode works on rows of q [B, T, H, hd] and k, v [B, T, KV, hd]. */
export type CausalAttentionMode =
  /** inputs Q, K, V -> softmax(scale q k^T, causal) v, [B, T, H, hd] */
  | "out"
  /** inputs Q, K, V -> the rows' log-sum-exp of the scaled scores, [B, T, H] */
  | "lse"
  /** inputs Q, K, V, DO, LSE, DD (DD = rowsum(dO * out), [B, T, H]) -> dQ [B, T, H, hd] */
  | "dq"
  /** same inputs -> each query head's part of dK, [B, T, H, hd]: summed over a kv head's group, it is dK [B, T, KV, hd] */
  | "dk"
  /** likewise for dV */
  | "dv";

export interface CausalAttentionShape {
  batch: number;
  seqLen: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  mode: CausalAttentionMode;
}

const WORKGROUP = 64;

/**
 * The inputs each mode reads, in binding order. Note: exactly those: the pipeline's layout is "auto", which drops an
 * unused binding, and binding a buffer to it is a validation error that WebGPU reports only asynchronously; tfjs
 * never asks, and every product submitted with it silently reads as zeros.
 */
export const CAUSAL_ATTENTION_INPUTS: Record<CausalAttentionMode, string[]> = {
  out: ["Q", "K", "V"],
  lse: ["Q", "K"],
  dq: ["Q", "K", "V", "DO", "LSE", "DD"],
  dk: ["Q", "K", "V", "DO", "LSE", "DD"],
  dv: ["Q", "K", "DO", "LSE"],
};

/**
 * Grouped-query causal attention without the [B, H, T, T] scores, as a tfjs-backend-webgpu GPGPU program: one
 * invocation per output row (a query row for out/lse/dq; for dk/dv a key row seen from one query head, so that a
 * group's query heads run in parallel and the engine sums them) loops over the keys (or queries) it sees, with an online softmax in the forward pass (running max and sum, float32). Query head h reads kv head
 * floor(h / (H / KV)). Scores are (q * scale) . k, as electron/engine/model/causalAttention.ts computes them; the
 * causal mask is exact (keys after the query are skipped, where causalAttention adds -1e9: exp underflows to 0
 * either way). The backward modes recompute the probabilities from the saved log-sum-exp (FlashAttention's
 * scheme): dV = P^T dO, dS = P * (dO v^T - DD), dQ = scale dS k, dK = scale dS^T q.
 */
export class CausalAttentionProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly uniforms = "rows: i32, T: i32, H: i32, KV: i32, scale: f32,";
  private readonly rowCount: number;

  constructor(readonly shape: CausalAttentionShape) {
    const { batch, seqLen, heads, headDim, mode } = shape;
    this.variableNames = CAUSAL_ATTENTION_INPUTS[mode];
    this.rowCount = batch * seqLen * heads;
    this.outputShape = mode === "lse" ? [batch, seqLen, heads] : [batch, seqLen, heads, headDim];
    this.dispatch = [Math.ceil(this.rowCount / WORKGROUP), 1, 1];
    this.shaderKey = `loraStudioCausalAttention_${mode}_${headDim}`;
  }

  uniformData(scale: number): { type: string; data: number[] }[] {
    const { seqLen, heads, kvHeads } = this.shape;
    return [
      { type: "int32", data: [this.rowCount] },
      { type: "int32", data: [seqLen] },
      { type: "int32", data: [heads] },
      { type: "int32", data: [kvHeads] },
      { type: "float32", data: [scale] },
    ];
  }

  getUserCode(): string {
    const { mode, headDim: HD } = this.shape;
    const head = `
    let T = u32(uniforms.T);
    let H = u32(uniforms.H);
    let KV = u32(uniforms.KV);
    let G = H / KV;
    let scale = uniforms.scale;`;
    const queryRow = `
    if (index >= uniforms.rows) { return; }
    let row = u32(index);
    let h = row % H;
    let t = (row / H) % T;
    let b = row / (H * T);
    let kvh = h / G;
    let qBase = row * ${HD}u;
    var qr: array<f32, ${HD}>;
    for (var d = 0u; d < ${HD}u; d = d + 1u) { qr[d] = Q[qBase + d] * scale; }`;
    const keyBase = `((b * T + s) * KV + kvh) * ${HD}u`;
    const score = (kb: string) => `var sc = 0.0; for (var d = 0u; d < ${HD}u; d = d + 1u) { sc = sc + qr[d] * K[${kb} + d]; }`;
    let body: string;
    if (mode === "out" || mode === "lse") {
      body = `${queryRow}
    var m = -3.0e38;
    var l = 0.0;
    var acc: array<f32, ${HD}>;
    for (var s = 0u; s <= t; s = s + 1u) {
      let kb = ${keyBase};
      ${score("kb")}
      let mNew = max(m, sc);
      let corr = exp(m - mNew);
      let p = exp(sc - mNew);
      l = l * corr + p;
      ${mode === "out" ? `for (var d = 0u; d < ${HD}u; d = d + 1u) { acc[d] = acc[d] * corr + p * V[kb + d]; }` : ""}
      m = mNew;
    }
    ${mode === "out" ? `for (var d = 0u; d < ${HD}u; d = d + 1u) { result[qBase + d] = acc[d] / l; }` : "result[row] = m + log(l);"}`;
    } else if (mode === "dq") {
      body = `${queryRow}
    let lse = LSE[row];
    let dd = DD[row];
    var acc: array<f32, ${HD}>;
    for (var s = 0u; s <= t; s = s + 1u) {
      let kb = ${keyBase};
      ${score("kb")}
      let p = exp(sc - lse);
      var dp = 0.0;
      for (var d = 0u; d < ${HD}u; d = d + 1u) { dp = dp + DO[qBase + d] * V[kb + d]; }
      let ds = p * (dp - dd);
      for (var d = 0u; d < ${HD}u; d = d + 1u) { acc[d] = acc[d] + ds * K[kb + d]; }
    }
    for (var d = 0u; d < ${HD}u; d = d + 1u) { result[qBase + d] = acc[d] * scale; }`;
    } else {
      body = `
    if (index >= uniforms.rows) { return; }
    let row = u32(index);
    let h = row % H;
    let s = (row / H) % T;
    let b = row / (H * T);
    let kb = ((b * T + s) * KV + h / G) * ${HD}u;
    var acc: array<f32, ${HD}>;
    for (var t = s; t < T; t = t + 1u) {
        let qi = (b * T + t) * H + h;
        let qBase = qi * ${HD}u;
        var sc = 0.0;
        for (var d = 0u; d < ${HD}u; d = d + 1u) { sc = sc + (Q[qBase + d] * scale) * K[kb + d]; }
        let p = exp(sc - LSE[qi]);
        ${
          mode === "dv"
            ? `for (var d = 0u; d < ${HD}u; d = d + 1u) { acc[d] = acc[d] + p * DO[qBase + d]; }`
            : `var dp = 0.0;
        for (var d = 0u; d < ${HD}u; d = d + 1u) { dp = dp + DO[qBase + d] * V[kb + d]; }
        let ds = p * (dp - DD[qi]);
        for (var d = 0u; d < ${HD}u; d = d + 1u) { acc[d] = acc[d] + ds * Q[qBase + d]; }`
        }
    }
    for (var d = 0u; d < ${HD}u; d = d + 1u) { result[row * ${HD}u + d] = acc[d]${mode === "dk" ? " * scale" : ""}; }`;
    }
    return `
  fn main(index: i32) {
    ${head}
    ${body}
  }
`;
  }
}
