import * as tf from "@tensorflow/tfjs-core";
import { dequantize } from "../gguf/dequantize";
import { ggmlTypeTraits, type GgmlTypeId } from "../gguf/ggmlType";
import type { LayerWeights, Linear, Projection } from "./ModelWeights";
import { maxBindingBytes } from "./VocabSplit";

/**
 * A frozen 2-D weight kept as its GGUF bytes (Q8_0, Q4_0, K-quants, F16, BF16 or F32): ggml ne = [inDim, outDim],
 * i.e. row-major [outDim][inDim], PyTorch's layout and the transpose of the [in, out] tensors the forward uses.
 */
export interface QuantizedMatrix {
  name: string;
  type: GgmlTypeId;
  bytes: Uint8Array;
  inDim: number;
  outDim: number;
  /** The bytes as int32 words on the GPU (webgpu's quantized matmul) in row chunks, uploaded on first use by gpuBlocks. */
  gpu?: GpuBlockChunk[];
}

/** Rows [start, start + count) of a QuantizedMatrix on the GPU: their bytes as int32 words. */
export interface GpuBlockChunk {
  start: number;
  count: number;
  blocks: tf.Tensor1D;
}

/** A block whose projection weights stay quantized; norms and biases (small, F32 in GGUF) are tensors. */
export interface QuantizedLayer {
  attnNorm: tf.Tensor1D;
  qNorm?: tf.Tensor1D;
  kNorm?: tf.Tensor1D;
  ffnNorm: tf.Tensor1D;
  proj: Record<Projection, { w: QuantizedMatrix; b?: tf.Tensor1D }>;
}

/** What LoadWeightsOptions.keepQuantized keeps out of tensors. */
export interface QuantizedParts {
  /** token_embd as stored: row t (token t's embedding) is one row of blocks, dequantized on lookup. */
  tokenEmbd: QuantizedMatrix;
  /** An untied output head as stored ([vocab rows][nEmbd], i.e. head^T), kept only where it is read from its blocks (webgpu). */
  output?: QuantizedMatrix;
  layers: QuantizedLayer[];
}

/** The whole matrix as F32, row-major [outDim][inDim]. */
export function dequantizeMatrix(m: QuantizedMatrix): Float32Array {
  return dequantize(m.type, m.bytes, m.inDim * m.outDim, m.name);
}

/** Rows of the matrix (e.g. token embeddings) as F32 [rows.length][inDim]; rows are whole blocks in every ggml type. */
export function dequantizeRows(m: QuantizedMatrix, rows: readonly number[]): Float32Array {
  const traits = ggmlTypeTraits(m.type)!;
  const rowBytes = (m.inDim / traits.blockSize) * traits.typeSize;
  const out = new Float32Array(rows.length * m.inDim);
  rows.forEach((row, i) => {
    out.set(dequantize(m.type, m.bytes.subarray(row * rowBytes, (row + 1) * rowBytes), m.inDim, m.name), i * m.inDim);
  });
  return out;
}

/**
 * One block's weights as tensors, created in the caller's tidy scope (a block frees them when it ends). Each
 * projection's w is the transpose of the GGUF rows, as loadModelWeights makes it, so results are identical.
 * Note: w is dequantized when first read, so a projection computed from its blocks (webgpu's quantized matmul,
 * LlamaModel.linear) never dequantizes; the bias is there at once.
 */
export function dequantizeLayer(layer: QuantizedLayer): LayerWeights {
  const proj = {} as Record<Projection, Linear>;
  for (const [p, { w, b }] of Object.entries(layer.proj) as [Projection, QuantizedLayer["proj"][Projection]][]) {
    let t: tf.Tensor2D | undefined;
    const linear = (b ? { b } : {}) as Linear;
    Object.defineProperty(linear, "w", {
      enumerable: true,
      get: () => {
        if (!t) {
          const rows = tf.tensor2d(dequantizeMatrix(w), [w.outDim, w.inDim]);
          t = tf.transpose(rows) as tf.Tensor2D;
          rows.dispose();
        }
        return t;
      },
    });
    proj[p] = linear;
  }
  const out: LayerWeights = { attnNorm: layer.attnNorm, ffnNorm: layer.ffnNorm, proj };
  if (layer.qNorm) out.qNorm = layer.qNorm;
  if (layer.kNorm) out.kNorm = layer.kNorm;
  return out;
}

/** The transposed weight [outDim, inDim] as a new tensor: the GGUF rows as they are, no transpose needed. */
export function dequantizeTransposed(m: QuantizedMatrix): tf.Tensor2D {
  return tf.tensor2d(dequantizeMatrix(m), [m.outDim, m.inDim]);
}

/**
 * The matrix's bytes on the GPU as int32 tensors (each zero-padded to a whole word), uploaded once and kept until the
 * model is disposed (quantizedPartsTensors lists them): GPU memory holds the quantized size, not 4 bytes a weight.
 * One tensor when the bytes fit the GPU's binding limit (maxBindingBytes), else chunks of whole rows that each do
 * (Qwen2.5-0.5B's Q8_0 embedding is 145 MB, past a 128 MiB limit).
 */
export function gpuBlocks(m: QuantizedMatrix): GpuBlockChunk[] {
  if (!m.gpu || m.gpu.some((c) => c.blocks.isDisposed)) {
    const traits = ggmlTypeTraits(m.type)!;
    const rowBytes = (m.inDim / traits.blockSize) * traits.typeSize;
    const rowsPerChunk = Math.min(m.outDim, Math.floor(maxBindingBytes() / rowBytes));
    if (rowsPerChunk < 1) throw new RangeError(`${m.name}: one row of ${rowBytes} bytes exceeds the GPU's binding limit of ${maxBindingBytes()} bytes`);
    m.gpu = [];
    for (let start = 0; start < m.outDim; start += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, m.outDim - start);
      const words = new Int32Array(Math.ceil((count * rowBytes) / 4));
      new Uint8Array(words.buffer).set(m.bytes.subarray(start * rowBytes, (start + count) * rowBytes));
      m.gpu.push({ start, count, blocks: tf.keep(tf.tensor1d(words, "int32")) });
    }
  }
  return m.gpu;
}

/** Bytes held outside tensors. */
export function quantizedByteLength(parts: QuantizedParts): number {
  let n = parts.tokenEmbd.bytes.byteLength + (parts.output?.bytes.byteLength ?? 0);
  for (const l of parts.layers) for (const { w } of Object.values(l.proj)) n += w.bytes.byteLength;
  return n;
}

/** The small tensors of quantized layers, for disposal. */
export function quantizedPartsTensors(parts: QuantizedParts): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const l of parts.layers) {
    out.push(l.attnNorm, l.ffnNorm);
    if (l.qNorm) out.push(l.qNorm);
    if (l.kNorm) out.push(l.kNorm);
    for (const { w, b } of Object.values(l.proj)) {
      if (b) out.push(b);
      for (const c of w.gpu ?? []) out.push(c.blocks);
    }
  }
  for (const c of [...(parts.tokenEmbd.gpu ?? []), ...(parts.output?.gpu ?? [])]) out.push(c.blocks);
  return out;
}
