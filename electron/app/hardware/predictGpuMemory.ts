import { HEAD_CHUNK_ROWS } from "../../engine/training/headCrossEntropy";
import { memoryFeatures, type MemoryFeatures, type MemorySettings } from "./memoryFeatures";
import type { ModelShape } from "./ModelShape";

/**
 * GPU memory the engine allocates on the webgpu backend, in MB per MB of each memoryFeatures feature (as float32
 * bytes), plus a constant. Measured, not assumed: `fitGpuMemoryModel.ts` runs real training steps on webgpu (forced,
 * on SwiftShader here: what the engine allocates does not depend on the adapter's speed) and reads tfjs's buffer
 * manager (`tf.memory().numBytesAllocatedInGPU`: every buffer created and not destroyed, the pool of freed buffers
 * included, i.e. the step's high-water mark).
 *
 * Measured 2026-12-03 on the 2-core x86-64 dev machine (Node 24, tfjs-backend-webgpu 4.22 through Dawn on SwiftShader,
 * the kernel fixes of native-deps/webgpu): 18 points, tiny and small at seq x batch 32x1, 64x2, 128x1, 128x2 with q,v
 * rank 8 and all seven projections rank 16, plus checkpointed 128x2; two timed steps after a warm-up, each point in
 * a fresh process (40 minutes on a busy machine). Weighted least squares on relative error. Worst errors: 19.9% high
 * (small 128x2 checkpointed), 12.4% low (small 64x2, all projections); the constant came out 0 (tfjs allocates
 * nothing on the GPU before the model). weights 1.35: the float32 weights and a tied head's transposed copy, plus about
 * a third more that loading leaves allocated (26.4 MB on the GPU after loading the small preset's 18.6 MB of float32
 * weights; tfjs keeps freed buffers pooled). So float32 Qwen2.5-0.5B needs about 3.5 GB before any activation: on a
 * 4 GB GPU it fits only with the base kept quantized. The RSS model (predictPeakMemory's MEMORY_COEFFICIENTS) is
 * separate and unchanged.
 */
export const GPU_MEMORY_COEFFICIENTS = {
  baselineMb: 0,
  weights: 1.35,
  linear: 1.959,
  attention: 5.633,
  logits: 6.954,
  loraActivations: 2.415,
  adapter: 3.031,
} as const;

export interface GpuMemoryPrediction {
  /** Predicted GPU memory of a training step, MB. */
  peakMb: number;
  parts: { runtime: number } & Record<keyof MemoryFeatures, number>;
  /** The largest single buffer a step creates (the logits [batch x seq, vocab], attention scores, an FFN activation or weight), MB. */
  largestBufferMb: number;
  /** The adapter's limit on one buffer: the smaller of maxBufferSize and maxStorageBufferBindingSize, MB (null: adapter unknown). */
  bufferLimitMb: number | null;
  /** Whether the largest buffer fits that limit (true when the adapter is unknown). */
  withinBufferLimits: boolean;
}

const MB = 2 ** 20;

/**
 * What a training step allocates on the GPU (webgpu; tensorflow-gpu keeps the same float32 tensors, so the same
 * model serves as its estimate), and whether its largest buffer fits the adapter's limits. The vocabulary tables
 * (embedding, head) are split under the binding limit by the engine (VocabSplit). On webgpu the loss runs over
 * vocabulary chunks (chunkedHeadCrossEntropy): a step holds [rows, HEAD_CHUNK_ROWS] logits at most, never
 * [rows, vocab]; on tensorflow-gpu the whole logits. Note: the coefficients were fitted on vocabularies under one
 * chunk, where both are the same.
 */
export function predictGpuMemory(
  shape: ModelShape,
  settings: MemorySettings,
  adapter?: { maxBufferSize: number; maxStorageBufferBindingSize: number },
  backend: string = "webgpu",
): GpuMemoryPrediction {
  const logitsRows = logitsRowsOn(backend, shape.vocab);
  const f = { ...memoryFeatures(shape, settings), logits: settings.batchSize * settings.seqLen * logitsRows };
  const c = GPU_MEMORY_COEFFICIENTS;
  const part = (k: keyof MemoryFeatures) => Math.round(((f[k] * 4) / MB) * c[k] * 10) / 10;
  const parts = { runtime: c.baselineMb, weights: part("weights"), linear: part("linear"), attention: part("attention"), logits: part("logits"), loraActivations: part("loraActivations"), adapter: part("adapter") };
  const peakMb = Math.round((parts.runtime + parts.weights + parts.linear + parts.attention + parts.logits + parts.loraActivations + parts.adapter) * 10) / 10;
  const largestBufferMb = largestBuffer(shape, settings, logitsRows) / MB;
  const bufferLimitMb = adapter ? Math.min(adapter.maxBufferSize, adapter.maxStorageBufferBindingSize) / MB : null;
  return { peakMb, parts, largestBufferMb: Math.round(largestBufferMb * 10) / 10, bufferLimitMb: bufferLimitMb === null ? null : Math.round(bufferLimitMb), withinBufferLimits: bufferLimitMb === null || largestBufferMb <= bufferLimitMb };
}

/** Vocabulary rows of the largest logits tensor a training step holds on this backend. */
export function logitsRowsOn(backend: string, vocab: number): number {
  return backend === "webgpu" ? Math.min(vocab, HEAD_CHUNK_ROWS) : vocab;
}

/** Bytes of the largest tensor one step binds. */
function largestBuffer(m: ModelShape, s: MemorySettings, logitsRows: number): number {
  const n = s.batchSize * s.seqLen;
  return 4 * Math.max(n * logitsRows, s.batchSize * m.heads * s.seqLen * s.seqLen, n * m.ffn, n * m.dim, s.quantizedBase ? 0 : m.dim * m.ffn);
}
