import * as tf from "@tensorflow/tfjs-core";
import type { GgufFile } from "../gguf/GgufFile";
import { ModelTensorError } from "./errors";
import type { ModelConfig } from "./ModelConfig";

/** The seven projections of a block, the places a LoRA adapter can attach. */
export const PROJECTIONS = ["q", "k", "v", "o", "gate", "up", "down"] as const;
export type Projection = (typeof PROJECTIONS)[number];

/** GGUF tensor name stem of each projection: blk.N.<stem>.weight. */
export const PROJECTION_TENSOR: Record<Projection, string> = {
  q: "attn_q",
  k: "attn_k",
  v: "attn_v",
  o: "attn_output",
  gate: "ffn_gate",
  up: "ffn_up",
  down: "ffn_down",
};

/**
 * A frozen linear layer. Note: w is stored pre-transposed as [in, out] (the row-major data of a GGUF
 * tensor with ne = [in, out] is PyTorch's [out, in]), so the forward product is x[T,in] @ w[in,out] with
 * no transpose flag: on wasm that takes the XNNPACK path, which also caches its packed copy of w.
 */
export interface Linear {
  w: tf.Tensor2D;
  b?: tf.Tensor1D;
}

export interface LayerWeights {
  attnNorm: tf.Tensor1D;
  /** qwen3: per-head RMSNorm weights of size headDim, applied to q and k before RoPE. */
  qNorm?: tf.Tensor1D;
  kNorm?: tf.Tensor1D;
  ffnNorm: tf.Tensor1D;
  proj: Record<Projection, Linear>;
}

/**
 * All weights as plain tensors. Note: not tf.variable: frozen weights that are not variables are never
 * differentiated, so training LoRA needs neither gather's gradient (missing on wasm) nor weight-gradient matmuls.
 */
export interface ModelWeights {
  /** [vocab, nEmbd]: row t is token t's embedding, for tf.gather. */
  tokenEmbd: tf.Tensor2D;
  outputNorm: tf.Tensor1D;
  /** [nEmbd, vocab]; with tied embeddings a transposed copy of token_embd (see LlamaModel's Note). */
  output: tf.Tensor2D;
  /** rope_freqs.weight (nRot / 2 divisors of theta_i), kept in JS because RoPE tables are built in JS. */
  ropeFreqs?: Float32Array;
  layers: LayerWeights[];
}

export type GgufTensorSource = Pick<GgufFile, "path" | "tensor" | "hasTensor" | "readTensorF32">;

export interface LoadWeightsOptions {
  /** Called after each tensor with the number of tensors loaded and the total. */
  onProgress?: (loaded: number, total: number) => void;
}

/**
 * Reads every tensor the forward pass uses into tf tensors, one layer at a time: each Float32Array goes
 * out of scope as soon as its tensor exists, so peak JS memory is one tensor, not the whole model.
 */
export async function loadModelWeights(file: GgufTensorSource, config: ModelConfig, options: LoadWeightsOptions = {}): Promise<ModelWeights> {
  const { nEmbd, nHead, nHeadKv, headDim, nFf, vocabSize } = config;
  const total = 3 + (config.tiedEmbeddings ? 0 : 1) + (config.hasRopeFreqs ? 1 : 0) + config.nLayer * countLayerTensors(file);
  let loaded = 0;
  const created: tf.Tensor[] = [];
  const progress = () => options.onProgress?.(++loaded, total);
  const track = <T extends tf.Tensor>(t: T): T => {
    created.push(t);
    return t;
  };

  const read = async (name: string, expectedDims: number[]): Promise<Float32Array> => {
    if (!file.hasTensor(name)) throw new ModelTensorError(`${file.path} has no tensor ${name}, which a ${config.arch} model needs`);
    const dims = file.tensor(name).dims;
    if (dims.length !== expectedDims.length || dims.some((d, i) => d !== expectedDims[i])) {
      throw new ModelTensorError(
        `tensor ${name} in ${file.path} has dims [${dims.join(", ")}] but the metadata implies [${expectedDims.join(", ")}]; the file is inconsistent`,
      );
    }
    const data = await file.readTensorF32(name);
    progress();
    return data;
  };
  const vector = async (name: string, size: number) => track(tf.tensor1d(await read(name, [size])));
  const matrixRows = async (name: string, inDim: number, outDim: number) => track(tf.tensor2d(await read(name, [inDim, outDim]), [outDim, inDim]));
  const linear = async (name: string, inDim: number, outDim: number): Promise<Linear> => {
    const rows = tf.tensor2d(await read(`${name}.weight`, [inDim, outDim]), [outDim, inDim]);
    const w = track(tf.transpose(rows) as tf.Tensor2D);
    rows.dispose();
    const b = file.hasTensor(`${name}.bias`) ? await vector(`${name}.bias`, outDim) : undefined;
    return b ? { w, b } : { w };
  };

  try {
    const tokenEmbd = await matrixRows("token_embd.weight", nEmbd, vocabSize);
    const outputNorm = await vector("output_norm.weight", nEmbd);
    // Note: tied heads get their own transposed copy (vocab x nEmbd floats more) so that the biggest
    // matmul of the forward pass is a plain [T, nEmbd] @ [nEmbd, vocab] product (see Linear).
    const output = config.tiedEmbeddings ? track(tf.transpose(tokenEmbd) as tf.Tensor2D) : (await linear("output", nEmbd, vocabSize)).w;
    if (config.tiedEmbeddings) progress();
    const ropeFreqs = config.hasRopeFreqs ? await read("rope_freqs.weight", [config.nRot / 2]) : undefined;

    const qDim = nHead * headDim;
    const kvDim = nHeadKv * headDim;
    const shapes: Record<Projection, [number, number]> = {
      q: [nEmbd, qDim],
      k: [nEmbd, kvDim],
      v: [nEmbd, kvDim],
      o: [qDim, nEmbd],
      gate: [nEmbd, nFf],
      up: [nEmbd, nFf],
      down: [nFf, nEmbd],
    };
    const layers: LayerWeights[] = [];
    for (let i = 0; i < config.nLayer; i++) {
      const blk = `blk.${i}`;
      const proj = {} as Record<Projection, Linear>;
      for (const p of PROJECTIONS) proj[p] = await linear(`${blk}.${PROJECTION_TENSOR[p]}`, ...shapes[p]);
      const layer: LayerWeights = {
        attnNorm: await vector(`${blk}.attn_norm.weight`, nEmbd),
        ffnNorm: await vector(`${blk}.ffn_norm.weight`, nEmbd),
        proj,
      };
      if (config.hasQkNorm) {
        layer.qNorm = await vector(`${blk}.attn_q_norm.weight`, headDim);
        layer.kNorm = await vector(`${blk}.attn_k_norm.weight`, headDim);
      }
      layers.push(layer);
    }
    return ropeFreqs ? { tokenEmbd, outputNorm, output, ropeFreqs, layers } : { tokenEmbd, outputNorm, output, layers };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}

export function disposeModelWeights(w: ModelWeights): void {
  for (const t of weightTensors(w)) t.dispose();
}

/** Every tensor the weights hold (the output head once even when it is a tied copy). */
export function weightTensors(w: ModelWeights): tf.Tensor[] {
  const out: tf.Tensor[] = [w.tokenEmbd, w.outputNorm, w.output];
  for (const l of w.layers) {
    out.push(l.attnNorm, l.ffnNorm);
    if (l.qNorm) out.push(l.qNorm);
    if (l.kNorm) out.push(l.kNorm);
    for (const p of PROJECTIONS) {
      out.push(l.proj[p].w);
      const b = l.proj[p].b;
      if (b) out.push(b);
    }
  }
  return out;
}

/** Tensors per layer that loadModelWeights reads, for progress totals. */
function countLayerTensors(file: GgufTensorSource): number {
  let n = PROJECTIONS.length + 2;
  for (const p of PROJECTIONS) if (file.hasTensor(`blk.0.${PROJECTION_TENSOR[p]}.bias`)) n++;
  if (file.hasTensor("blk.0.attn_q_norm.weight")) n += 2;
  return n;
}
