import * as tf from "@tensorflow/tfjs-core";
import { ggmlTypeTraits, type GgmlTypeId } from "../gguf/ggmlType";
import { WGSL_DEQUANT_TYPES } from "../../../native-deps/webgpu/dequantizeWgsl";
import { QUANTIZED_MATMUL_KERNEL, type QuantizedMatMulAttrs } from "../../../native-deps/webgpu/registerQuantizedMatMulKernel";
import { dequantizeTransposed, gpuBlocks, type GpuBlockChunk, type QuantizedMatrix } from "./QuantizedWeights";
import { frozenMatMul } from "./frozenMatMul";

/**
 * Whether a matrix of GGUF type `type` is multiplied straight from its blocks on the GPU: the backend is webgpu, its
 * quantized matmul kernel is registered (native-deps/webgpu/registerQuantizedMatMulKernel.ts) and reads that type.
 * LORA_STUDIO_WEBGPU_QUANTIZED=0 turns it off (the weights are then dequantized on the CPU per block, as on wasm).
 */
export function gpuReadsBlocksOf(type: GgmlTypeId): boolean {
  if (tf.getBackend() !== "webgpu" || !tf.getKernel(QUANTIZED_MATMUL_KERNEL, "webgpu")) return false;
  // globalThis.process: this also runs in a renderer (the hidden trainer window), where there is no process.
  if ((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.LORA_STUDIO_WEBGPU_QUANTIZED === "0") return false;
  return WGSL_DEQUANT_TYPES.includes(type);
}

/** gpuReadsBlocksOf(m.type). */
export function onGpuBlocks(m: QuantizedMatrix): boolean {
  return gpuReadsBlocksOf(m.type);
}

/** The kernel's attributes for rows [offset, offset + count) of a chunk of m. */
function attrs(m: QuantizedMatrix, offset: number, count: number, backward: boolean): tf.NamedAttrMap {
  const traits = ggmlTypeTraits(m.type)!;
  const a: QuantizedMatMulAttrs = { type: m.type, inDim: m.inDim, rowBytes: (m.inDim / traits.blockSize) * traits.typeSize, offset, count, backward };
  return a as unknown as tf.NamedAttrMap;
}

/** The pieces of rows [offset, offset + count) in m's GPU chunks: the chunk, the first row in it, how many. */
function pieces(m: QuantizedMatrix, offset: number, count: number): { chunk: GpuBlockChunk; from: number; rows: number }[] {
  if (offset < 0 || count < 1 || offset + count > m.outDim) throw new RangeError(`${m.name}: rows ${offset}..${offset + count} are outside its ${m.outDim} rows`);
  return gpuBlocks(m)
    .filter((c) => c.start < offset + count && c.start + c.count > offset)
    .map((chunk) => {
      const from = Math.max(offset, chunk.start);
      return { chunk, from: from - chunk.start, rows: Math.min(offset + count, chunk.start + chunk.count) - from };
    });
}

/** a [rows, inDim] @ W[offset..offset+count]^T = [rows, count], from the blocks (onGpuBlocks must hold). */
export function blocksMatMulT(a: tf.Tensor2D, m: QuantizedMatrix, offset = 0, count = m.outDim): tf.Tensor2D {
  return tf.tidy(() => {
    const parts = pieces(m, offset, count).map(({ chunk, from, rows }) => tf.engine().runKernel(QUANTIZED_MATMUL_KERNEL, { a, blocks: chunk.blocks }, attrs(m, from, rows, false)) as tf.Tensor2D);
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
  });
}

/** a [rows, count] @ W[offset..offset+count] = [rows, inDim], from the blocks (onGpuBlocks must hold). */
export function blocksMatMul(a: tf.Tensor2D, m: QuantizedMatrix, offset = 0, count = m.outDim): tf.Tensor2D {
  return tf.tidy(() => {
    const parts = pieces(m, offset, count);
    let sum: tf.Tensor2D | undefined;
    let column = 0;
    for (const { chunk, from, rows } of parts) {
      const slice = parts.length === 1 ? a : tf.slice(a, [0, column], [a.shape[0], rows]);
      const part = tf.engine().runKernel(QUANTIZED_MATMUL_KERNEL, { a: slice, blocks: chunk.blocks }, attrs(m, from, rows, true)) as tf.Tensor2D;
      sum = sum ? tf.add<tf.Tensor2D>(sum, part) : part;
      column += rows;
    }
    return sum!;
  });
}

/**
 * x [rows, inDim] @ w for a frozen GGUF matrix m (w = m's rows transposed, [inDim, outDim]), as one custom-gradient
 * op of x. On webgpu (onGpuBlocks) both products read the blocks on the GPU: y = x @ W^T forward, dX = dY @ W
 * backward, float32 accumulation, no weight in float32 anywhere. Elsewhere it is frozenMatMul with `w()` (the
 * dequantized weight) and the GGUF rows dequantized again for the backward product, as before.
 */
export function frozenQuantizedMatMul(x: tf.Tensor2D, m: QuantizedMatrix, w: () => tf.Tensor2D): tf.Tensor2D {
  if (!onGpuBlocks(m)) return frozenMatMul(x, w(), () => dequantizeTransposed(m));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: blocksMatMulT(args[0] as tf.Tensor2D, m),
    gradFunc: (dy: tf.Tensor) => blocksMatMul(dy as tf.Tensor2D, m),
  }));
  return op(x) as tf.Tensor2D;
}
