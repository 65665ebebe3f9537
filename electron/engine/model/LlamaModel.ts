import * as tf from "@tensorflow/tfjs-core";
import { causalAttention, causalMask } from "./causalAttention";
import { ModelInputError } from "./errors";
import { frozenMatMul } from "./frozenMatMul";
import { frozenQuantizedMatMul } from "./frozenQuantizedMatMul";
import { fusedAttentionAvailable, fusedCausalAttention } from "./fusedCausalAttention";
import { readModelConfig, type GgufMetadataSource, type ModelConfig } from "./ModelConfig";
import { disposeModelWeights, loadModelWeights, type GgufTensorSource, type LayerWeights, type LoadWeightsOptions, type ModelWeights, type Projection } from "./ModelWeights";
import { dequantizeLayer, dequantizeRows, dequantizeTransposed } from "./QuantizedWeights";
import { rmsNorm } from "./rmsNorm";
import { ropeTables } from "./ropeTables";
import { applyRotary, rotarySwap, rotaryTables } from "./rotaryByPermutation";

/**
 * Called for every linear projection with its input x [B*T, in] and the frozen layer's output
 * baseOut [B*T, out] (bias included); returns the output to use instead, e.g. baseOut + B(A(x)) * scale.
 * Runs inside the forward's tf.tidy, so intermediates it creates are freed with the rest.
 */
export type LinearHooks = (layer: number, proj: Projection, x: tf.Tensor2D, baseOut: tf.Tensor2D) => tf.Tensor2D;

/** What a model loads from: an open GgufFile, or anything with the same reading methods. */
export type ModelSource = GgufMetadataSource & GgufTensorSource;

/** Per-sequence-length constants: RoPE cos/sin [T, 1, headDim] (see applyRotary) and the causal mask [T, T]. */
interface SeqConstants {
  cos: tf.Tensor3D;
  sin: tf.Tensor3D;
  mask: tf.Tensor2D;
}

/** What one forward pass threads through its blocks. */
export interface ForwardContext {
  batch: number;
  seqLen: number;
  hooks?: LinearHooks;
}

/** Sequence lengths whose constants are cached; training uses one or two, scoring a few. */
const MAX_CACHED_LENGTHS = 4;
/** Rows of the output head computed at once by logprobs, bounding the [rows, vocab] logits it holds. */
const LOGPROB_CHUNK_ROWS = 128;

/**
 * The llama / qwen2 / qwen3 decoder in TensorFlow.js, computing what llama.cpp computes for the same GGUF.
 * Built from pieces (embed, block, finalNorm, head) that a trainer can also call one by one, e.g. to
 * checkpoint per block; every projection goes through one place (`linear`), where LoRA hooks attach.
 */
export class LlamaModel {
  private readonly constants = new Map<number, SeqConstants>();
  /** RoPE's pair-swap matrix, made on first use. */
  private swap: tf.Tensor2D | undefined;
  private disposed = false;

  private constructor(
    readonly config: ModelConfig,
    readonly weights: ModelWeights,
  ) {}

  static async load(file: ModelSource, options: LoadWeightsOptions = {}): Promise<LlamaModel> {
    const config = readModelConfig(file);
    return new LlamaModel(config, await loadModelWeights(file, config, options));
  }

  /** Wraps weights loaded elsewhere; the model takes ownership (dispose() frees them). */
  static fromWeights(config: ModelConfig, weights: ModelWeights): LlamaModel {
    return new LlamaModel(config, weights);
  }

  /** Logits [B, T, vocab] for a batch of equal-length token rows, positions 0..T-1. */
  forward(tokens: number[][], hooks?: LinearHooks): tf.Tensor3D {
    const ctx = this.context(tokens, hooks);
    return tf.tidy(() => tf.reshape(this.head(this.hidden(tokens, ctx)), [ctx.batch, ctx.seqLen, this.config.vocabSize]));
  }

  /** The final-normed hidden states [B*T, nEmbd], i.e. the forward pass without the output head. */
  hidden(tokens: number[][], ctx: ForwardContext = this.context(tokens)): tf.Tensor2D {
    return tf.tidy(() => {
      let x = this.embed(tokens);
      for (let layer = 0; layer < this.config.nLayer; layer++) x = this.block(layer, x, ctx);
      return rmsNorm(x, this.weights.outputNorm, this.config.rmsEps);
    });
  }

  /** Token embeddings [B*T, nEmbd]. Gather on a frozen tensor: no gradient flows into the table. */
  embed(tokens: number[][]): tf.Tensor2D {
    const { tokenEmbd, quantized, vocabSplit } = this.weights;
    if (tokenEmbd) return tf.tidy(() => tf.gather(tokenEmbd, tf.tensor1d(tokens.flat(), "int32")));
    if (vocabSplit) return vocabSplit.tokenEmbd.gatherRows(tokens.flat());
    // Kept quantized: only the rows looked up are dequantized (the same values the F32 table would hold).
    return tf.tensor2d(dequantizeRows(quantized!.tokenEmbd, tokens.flat()), [tokens.flat().length, this.config.nEmbd]);
  }

  /** One transformer block on the residual stream x [B*T, nEmbd]. */
  block(layer: number, x: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    const { nHead, nHeadKv, headDim, rmsEps } = this.config;
    const { cos, sin, mask } = this.seqConstants(ctx.seqLen);
    const rotary = { cos, sin, swap: this.rotarySwap() };
    const heads = (t: tf.Tensor2D, n: number) => tf.reshape(t, [ctx.batch, ctx.seqLen, n, headDim]) as tf.Tensor4D;
    return tf.tidy(() => {
      // Kept-quantized weights are dequantized here and freed when the block's tidy ends.
      const w = this.layerWeights(layer);
      const linear = (proj: Projection, input: tf.Tensor2D) => this.linear(layer, proj, input, ctx, w);
      const h = rmsNorm(x, w.attnNorm, rmsEps);
      let q = heads(linear("q", h), nHead);
      let k = heads(linear("k", h), nHeadKv);
      const v = heads(linear("v", h), nHeadKv);
      if (w.qNorm && w.kNorm) {
        q = rmsNorm(q, w.qNorm, rmsEps);
        k = rmsNorm(k, w.kNorm, rmsEps);
      }
      q = applyRotary(q, rotary);
      k = applyRotary(k, rotary);
      // webgpu: the fused kernel (no [B, H, T, T] scores); elsewhere the composed ops.
      const scale = 1 / Math.sqrt(headDim);
      const attn = fusedAttentionAvailable() ? fusedCausalAttention(q, k, v, scale) : causalAttention(q, k, v, mask, scale);
      const x1: tf.Tensor2D = tf.add(x, linear("o", attn));
      const h2 = rmsNorm(x1, w.ffnNorm, rmsEps);
      const gate = linear("gate", h2);
      const up = linear("up", h2);
      // SwiGLU: silu(g) = g * sigmoid(g).
      const act: tf.Tensor2D = tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);
      return tf.add(x1, linear("down", act));
    });
  }

  /** Logits [rows, vocab] from final-normed hidden states. */
  head(hidden: tf.Tensor2D): tf.Tensor2D {
    // Note: a tied head's transpose is the embedding table itself, so a backward product needs no transpose of
    // the [nEmbd, vocab] head. XNNPACK then keeps a packed copy of the table, no more than the transient
    // transpose and packing it replaces each step (training's loss uses the same, see headCrossEntropy).
    const { output, outputT, tokenEmbd, quantized, vocabSplit } = this.weights;
    if (vocabSplit) return vocabSplit.head.frozenLogits(hidden);
    const tied = this.config.tiedEmbeddings;
    // A head kept quantized on webgpu has no float32 copy: its blocks on the GPU (tied: the embedding's) are the head.
    const blocks = tied ? quantized?.tokenEmbd : quantized?.output;
    if (!output && blocks) return frozenQuantizedMatMul(hidden, blocks, () => tf.transpose(dequantizeTransposed(blocks)));
    const transposed = tied ? tokenEmbd : outputT;
    if (transposed) return frozenMatMul(hidden, output!, () => transposed);
    return frozenMatMul(hidden, output!, tied && quantized ? () => dequantizeTransposed(quantized.tokenEmbd) : undefined);
  }

  /** logprobs[i] = log p(tokens[i+1] | tokens[0..i]), length T-1, computed without keeping all logits at once. */
  async logprobs(tokens: number[], hooks?: LinearHooks): Promise<Float32Array> {
    if (tokens.length < 2) throw new ModelInputError(`logprobs needs at least 2 tokens, got ${tokens.length}`);
    const vocab = this.config.vocabSize;
    const n = tokens.length - 1;
    const out = new Float32Array(n);
    const hidden = this.hidden([tokens], this.context([tokens], hooks));
    try {
      for (let start = 0; start < n; start += LOGPROB_CHUNK_ROWS) {
        const rows = Math.min(LOGPROB_CHUNK_ROWS, n - start);
        const picked = tf.tidy(() => {
          const logits = this.head(tf.slice(hidden, [start, 0], [rows, this.config.nEmbd]));
          const flatIndex = Int32Array.from({ length: rows }, (_, i) => i * vocab + tokens[start + i + 1]!);
          const target = tf.gather(tf.reshape(logits, [-1]), tf.tensor1d(flatIndex, "int32"));
          return tf.sub(target, tf.logSumExp(logits, 1));
        });
        out.set((await picked.data()) as Float32Array, start);
        picked.dispose();
      }
    } finally {
      hidden.dispose();
    }
    return out;
  }

  /** Frees the weights and cached constants; the model is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.constants.values()) tf.dispose([c.cos, c.sin, c.mask]);
    this.swap?.dispose();
    this.constants.clear();
    disposeModelWeights(this.weights);
  }

  /** Validates a batch and describes it for the blocks. */
  context(tokens: number[][], hooks?: LinearHooks): ForwardContext {
    if (this.disposed) throw new ModelInputError("the model has been disposed");
    const batch = tokens.length;
    const seqLen = tokens[0]?.length ?? 0;
    if (batch === 0 || seqLen === 0) throw new ModelInputError(`the batch is empty (${batch} rows of ${seqLen} tokens)`);
    const vocab = this.config.vocabSize;
    tokens.forEach((row, r) => {
      if (row.length !== seqLen) throw new ModelInputError(`batch row ${r} has ${row.length} tokens, row 0 has ${seqLen}; pad rows to one length`);
      for (const id of row) {
        if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new ModelInputError(`token id ${id} in batch row ${r} is outside the vocabulary [0, ${vocab})`);
      }
    });
    return hooks ? { batch, seqLen, hooks } : { batch, seqLen };
  }

  /** A block's weights as tensors: the loaded ones, or kept-quantized ones dequantized into the caller's tidy. */
  private layerWeights(layer: number): LayerWeights {
    const loaded = this.weights.layers[layer];
    if (loaded) return loaded;
    const quantized = this.weights.quantized?.layers[layer];
    if (!quantized) throw new ModelInputError(`the model has no layer ${layer}`);
    return dequantizeLayer(quantized);
  }

  /** The one place a projection is computed: frozen weight (and bias), then the caller's hook. */
  private linear(layer: number, proj: Projection, x: tf.Tensor2D, ctx: ForwardContext, weights: LayerWeights): tf.Tensor2D {
    const linear = weights.proj[proj];
    const { b, wT } = linear; // not w: a kept-quantized w is dequantized only when read
    // Kept quantized: on webgpu both products read the GGUF blocks on the GPU; elsewhere w is dequantized and the
    // backward product dequantizes the GGUF rows again (they are w^T as stored).
    const rows = this.weights.quantized?.layers[layer]?.proj[proj].w;
    const product = rows ? frozenQuantizedMatMul(x, rows, () => linear.w) : frozenMatMul(x, linear.w, wT ? () => wT : undefined);
    const base: tf.Tensor2D = b ? tf.add(product, b) : product;
    return ctx.hooks ? ctx.hooks(layer, proj, x, base) : base;
  }

  private rotarySwap(): tf.Tensor2D {
    this.swap ??= tf.keep(rotarySwap(this.config.headDim, this.config.nRot, this.config.ropeType));
    return this.swap;
  }

  /** Cached per-length constants, kept out of any caller's tidy. */
  private seqConstants(seqLen: number): SeqConstants {
    const hit = this.constants.get(seqLen);
    if (hit) {
      // Re-insert to mark as most recently used.
      this.constants.delete(seqLen);
      this.constants.set(seqLen, hit);
      return hit;
    }
    const { headDim, nRot, ropeType } = this.config;
    const tables = ropeTables(this.config, seqLen, this.weights.ropeFreqs);
    // keep: this may run inside a caller's tidy, which must not free the cache.
    const { cos, sin } = rotaryTables(tables, seqLen, headDim, nRot, ropeType);
    const created: SeqConstants = { cos: tf.keep(cos), sin: tf.keep(sin), mask: tf.keep(causalMask(seqLen)) };
    this.constants.set(seqLen, created);
    if (this.constants.size > MAX_CACHED_LENGTHS) {
      const [oldest, old] = this.constants.entries().next().value!;
      this.constants.delete(oldest);
      tf.dispose([old.cos, old.sin, old.mask]);
    }
    return created;
  }
}
