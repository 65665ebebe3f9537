import * as tf from "@tensorflow/tfjs-core";
import { UnsupportedTensorTypeError } from "../gguf/errors";
import type { GgufFile } from "../gguf/GgufFile";
import { isDequantizable } from "../gguf/dequantize";
import { ModelTensorError } from "./errors";
import type { ModelConfig } from "./ModelConfig";
import { gpuReadsBlocksOf, onGpuBlocks } from "./frozenQuantizedMatMul";
import { quantizedPartsTensors, type QuantizedLayer, type QuantizedMatrix, type QuantizedParts } from "./QuantizedWeights";
import { maxBindingBytes, vocabChunkRows, VocabSplit } from "./VocabSplit";

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
  /** LoadWeightsOptions.transposedCopies: w^T [out, in] (the GGUF rows), for the backward product dX = dY @ w^T. */
  wT?: tf.Tensor2D;
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
  /** [vocab, nEmbd]: row t is token t's embedding, for tf.gather. Absent when kept quantized (quantized.tokenEmbd). */
  tokenEmbd?: tf.Tensor2D;
  outputNorm: tf.Tensor1D;
  /** [nEmbd, vocab]; with tied embeddings a transposed copy of token_embd (see LlamaModel's Note). Absent when split. */
  output?: tf.Tensor2D;
  /** LoadWeightsOptions.transposedCopies on an untied head: output^T [vocab, nEmbd]. */
  outputT?: tf.Tensor2D;
  /** rope_freqs.weight (nRot / 2 divisors of theta_i), kept in JS because RoPE tables are built in JS. */
  ropeFreqs?: Float32Array;
  /** Every block's weights as tensors; empty when the blocks are kept quantized (see `quantized`). */
  layers: LayerWeights[];
  /** LoadWeightsOptions.keepQuantized: the blocks' projection weights and the token embedding as GGUF bytes. */
  quantized?: QuantizedParts;
  /**
   * Set instead of tokenEmbd, output and outputT when vocab x nEmbd floats exceed the GPU's binding limit
   * (VocabSplit.ts): the embedding and head^T as row chunks (one object for both when tied).
   */
  vocabSplit?: { tokenEmbd: VocabSplit; head: VocabSplit };
}

/** What weights load from; readTensorBytes is needed only with keepQuantized. */
export type GgufTensorSource = Pick<GgufFile, "path" | "tensor" | "hasTensor" | "readTensorF32"> & Partial<Pick<GgufFile, "readTensorBytes">>;

export interface LoadWeightsOptions {
  /** Called after each tensor with the number of tensors loaded and the total. */
  onProgress?: (loaded: number, total: number) => void;
  /**
   * Keep the blocks' projection weights and the token embedding as their GGUF bytes (Q8_0, Q4_0, K-quants, F16...)
   * and dequantize a block's weights only while the block runs (QLoRA in spirit: less memory, some time per step).
   * The dequantized values are the ones the default path loads, so results are identical. The output head stays
   * an F32 tensor (every position needs all of it).
   */
  keepQuantized?: boolean;
  /**
   * Also keep each projection's weight transposed ([out, in], Linear.wT), so that training's backward products
   * dX = dY @ w^T need no transpose of w. Costs a second copy of the block weights, and XNNPACK keeps a packed
   * copy of each: about 2x the blocks' F32 size more memory. Measured (npm run bench:train): 15-20% faster steps
   * on w576-4l-v4k; no gain on SmolLM2-135M, whose 30 blocks then need ~850 MB more (peak RSS 3.3 -> 4.2 GB,
   * near the wasm heap's 4 GB cap). For small models only.
   */
  transposedCopies?: boolean;
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
    const wT = options.transposedCopies ? track(rows) : (rows.dispose(), undefined);
    const b = file.hasTensor(`${name}.bias`) ? await vector(`${name}.bias`, outDim) : undefined;
    return { w, ...(b ? { b } : {}), ...(wT ? { wT } : {}) };
  };

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
  const norms = async (blk: string) => {
    const n = { attnNorm: await vector(`${blk}.attn_norm.weight`, nEmbd), ffnNorm: await vector(`${blk}.ffn_norm.weight`, nEmbd) };
    return config.hasQkNorm ? { ...n, qNorm: await vector(`${blk}.attn_q_norm.weight`, headDim), kNorm: await vector(`${blk}.attn_k_norm.weight`, headDim) } : n;
  };
  const raw = async (name: string, inDim: number, outDim: number): Promise<QuantizedMatrix> => {
    if (!file.readTensorBytes) throw new ModelTensorError(`${file.path}: keepQuantized needs a source that reads raw tensor bytes`);
    if (!file.hasTensor(name)) throw new ModelTensorError(`${file.path} has no tensor ${name}, which a ${config.arch} model needs`);
    const info = file.tensor(name);
    if (info.dims.length !== 2 || info.dims[0] !== inDim || info.dims[1] !== outDim) {
      throw new ModelTensorError(`tensor ${name} in ${file.path} has dims [${info.dims.join(", ")}] but the metadata implies [${inDim}, ${outDim}]; the file is inconsistent`);
    }
    if (!isDequantizable(info.type)) throw UnsupportedTensorTypeError.forTensor(name, info.type, file.path);
    const bytes = await file.readTensorBytes(name);
    progress();
    return { name, type: info.type, bytes, inDim, outDim };
  };

  try {
    if (options.keepQuantized) return await loadQuantized();
    const chunkRows = vocabChunkRows(vocabSize, nEmbd, maxBindingBytes());
    if (chunkRows < vocabSize) return await loadSplit(chunkRows);
    const tokenEmbd = await matrixRows("token_embd.weight", nEmbd, vocabSize);
    const outputNorm = await vector("output_norm.weight", nEmbd);
    // Note: tied heads get their own transposed copy (vocab x nEmbd floats more) so that the biggest
    // matmul of the forward pass is a plain [T, nEmbd] @ [nEmbd, vocab] product (see Linear).
    const head = config.tiedEmbeddings ? { w: track(tf.transpose(tokenEmbd) as tf.Tensor2D) } : await linear("output", nEmbd, vocabSize);
    const output = head.w;
    if (config.tiedEmbeddings) progress();
    const ropeFreqs = config.hasRopeFreqs ? await read("rope_freqs.weight", [config.nRot / 2]) : undefined;

    const layers = await loadLayers();
    return { tokenEmbd, outputNorm, output, ...(head.wT ? { outputT: head.wT } : {}), ...(ropeFreqs ? { ropeFreqs } : {}), layers };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }

  /** Every block's norms and frozen projections, in layer order. */
  async function loadLayers(): Promise<LayerWeights[]> {
    const layers: LayerWeights[] = [];
    for (let i = 0; i < config.nLayer; i++) {
      const blk = `blk.${i}`;
      const proj = {} as Record<Projection, Linear>;
      for (const p of PROJECTIONS) proj[p] = await linear(`${blk}.${PROJECTION_TENSOR[p]}`, ...shapes[p]);
      layers.push({ ...(await norms(blk)), proj });
    }
    return layers;
  }

  /** The default path with the embedding and the head as VocabSplit row chunks. */
  async function loadSplit(chunkRows: number): Promise<ModelWeights> {
    const split = (rows: tf.Tensor2D) => {
      const s = VocabSplit.fromRows(rows, chunkRows);
      s.chunks.forEach(track);
      return s;
    };
    const tokenEmbd = split(await matrixRows("token_embd.weight", nEmbd, vocabSize));
    const outputNorm = await vector("output_norm.weight", nEmbd);
    if (!config.tiedEmbeddings && file.hasTensor("output.bias")) throw new ModelTensorError(`${file.path}: an output head with a bias cannot be split by vocabulary yet`);
    // The head^T rows are output.weight's GGUF rows as stored ([vocab, nEmbd]); tied: the embedding itself.
    const head = config.tiedEmbeddings ? tokenEmbd : split(await matrixRows("output.weight", nEmbd, vocabSize));
    if (config.tiedEmbeddings) progress();
    const ropeFreqs = config.hasRopeFreqs ? await read("rope_freqs.weight", [config.nRot / 2]) : undefined;
    const layers = await loadLayers();
    return { outputNorm, vocabSplit: { tokenEmbd, head }, ...(ropeFreqs ? { ropeFreqs } : {}), layers };
  }

  /**
   * keepQuantized: projections and token_embd as bytes; the head as an F32 tensor [nEmbd, vocab], except on webgpu,
   * where the head is read from its blocks on the GPU (onGpuBlocks: LlamaModel.head, headChunks): token_embd's for a
   * tied head, output.weight's (kept as bytes too) for an untied one.
   */
  async function loadQuantized(): Promise<ModelWeights> {
    const tokenEmbd = await raw("token_embd.weight", nEmbd, vocabSize);
    const outputNorm = await vector("output_norm.weight", nEmbd);
    let output: tf.Tensor2D | undefined;
    let outputBlocks: QuantizedMatrix | undefined;
    if (config.tiedEmbeddings && onGpuBlocks(tokenEmbd)) {
      progress();
    } else if (!config.tiedEmbeddings && !file.hasTensor("output.bias") && gpuReadsBlocksOf(file.tensor("output.weight").type)) {
      outputBlocks = await raw("output.weight", nEmbd, vocabSize);
    } else if (config.tiedEmbeddings) {
      // Note: read again as F32 (the same dequantized values the default path transposes) for the tied head.
      const rows = tf.tensor2d(await file.readTensorF32("token_embd.weight"), [vocabSize, nEmbd]);
      output = track(tf.transpose(rows) as tf.Tensor2D);
      rows.dispose();
      progress();
    } else {
      output = (await linear("output", nEmbd, vocabSize)).w;
    }
    const ropeFreqs = config.hasRopeFreqs ? await read("rope_freqs.weight", [config.nRot / 2]) : undefined;
    const layers: QuantizedLayer[] = [];
    for (let i = 0; i < config.nLayer; i++) {
      const blk = `blk.${i}`;
      const proj = {} as QuantizedLayer["proj"];
      for (const p of PROJECTIONS) {
        const name = `${blk}.${PROJECTION_TENSOR[p]}`;
        const w = await raw(`${name}.weight`, ...shapes[p]);
        proj[p] = file.hasTensor(`${name}.bias`) ? { w, b: await vector(`${name}.bias`, shapes[p][1]) } : { w };
      }
      layers.push({ ...(await norms(blk)), proj });
    }
    const quantized = { tokenEmbd, ...(outputBlocks ? { output: outputBlocks } : {}), layers };
    return { outputNorm, ...(output ? { output } : {}), ...(ropeFreqs ? { ropeFreqs } : {}), layers: [], quantized };
  }
}

export function disposeModelWeights(w: ModelWeights): void {
  for (const t of weightTensors(w)) t.dispose();
}

/** Every tensor the weights hold (the output head once even when it is a tied copy). */
export function weightTensors(w: ModelWeights): tf.Tensor[] {
  const out: tf.Tensor[] = [w.outputNorm];
  if (w.output) out.push(w.output);
  if (w.outputT) out.push(w.outputT);
  if (w.vocabSplit) out.push(...new Set([...w.vocabSplit.tokenEmbd.chunks, ...w.vocabSplit.head.chunks]));
  if (w.tokenEmbd) out.push(w.tokenEmbd);
  if (w.quantized) out.push(...quantizedPartsTensors(w.quantized));
  for (const l of w.layers) {
    out.push(l.attnNorm, l.ffnNorm);
    if (l.qNorm) out.push(l.qNorm);
    if (l.kNorm) out.push(l.kNorm);
    for (const p of PROJECTIONS) {
      const { w: weight, b, wT } = l.proj[p];
      out.push(weight);
      if (b) out.push(b);
      if (wT) out.push(wT);
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
