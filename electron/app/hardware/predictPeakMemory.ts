import { nativeMatMulExpected } from "../../../native-deps/nativeMatmul/nativeMatMulExpected";
import type { TfjsBackendName } from "../../../native-deps/tfjsBackend";
import { memoryFeatures, type MemoryFeatures, type MemorySettings } from "./memoryFeatures";
import type { ModelShape } from "./ModelShape";

/**
 * Fitted coefficients: MB of peak RSS per MB of each feature (memoryFeatures, as float32 bytes), plus the runtime
 * baseline (Node + tfjs + the wasm module).
 *
 * How they were measured (2026-12-03, `node --import tsx electron/app/hardware/fitMemoryModel.ts`, on the 2-core
 * x86-64 Linux dev machine, Node 24, tfjs 4.22 wasm with the fast BatchMatMul/Identity kernels, large products on
 * onnxruntime's MLAS (its library adds ~60 MB to the baseline; no packed weight copy, so weights ~1), and the fused
 * head + cross-entropy loss): each point is runCalibrationSteps (LlamaModel.load + LoraAdapter + lossAndGradients
 * + AdamW on random tokens, one warm-up and two timed steps) alone in a fresh child process, reading
 * process.resourceUsage().maxRSS. Points (56): tiny and small at seq x batch 96x4, 256x1, 512x1, 256x4, 1024x2 with
 * q,v rank 8 and all seven projections rank 16, plus checkpointed 512x1 and 256x4, each measured twice;
 * w576-4l-v4k at 128x1, 256x1, 512x1, 256x4 and checkpointed 512x1; smollm2-135m at 128x1 (q,v) and 256x1 (all,
 * rank 16). Weighted least squares on relative error. Worst error 9.9% (tiny 512x1 checkpointed, predicted low);
 * the quantized base (Q8_0 w576-4l-v4k, held out of the fit) is predicted 2.8% low. With MLAS off
 * (LORA_STUDIO_NATIVE_MATMUL=0) XNNPACK keeps a packed copy of each weight again (weights ~2, baseline ~140 MB).
 * The test (test/app/hardware/predictPeakMemory.test.ts) re-measures tiny and small: rerun the fit when it fails
 * after an engine change.
 */
export const MEMORY_COEFFICIENTS = {
  baselineMb: 197,
  weights: 0.998,
  linear: 3.171,
  attention: 5.704,
  logits: 5.33,
  loraActivations: 2.342,
  adapter: 5.158,
} as const;

/**
 * MB per MB of frozen weights that XNNPACK adds when it multiplies them itself: a packed copy of each right-hand
 * operand (the fit before MLAS took the large products: weights 1.975 against 1.0 now).
 */
export const XNNPACK_PACKED_WEIGHTS = 0.975;

/** The wasm heap cannot grow past 4 GB (TFJS.md, Memory); past it training fails with "memory access out of bounds". */
export const WASM_HEAP_CAP_MB = 4096;

export interface MemoryPrediction {
  /** Predicted peak RSS of the training process, MB. */
  peakMb: number;
  /** Of which tensors (everything but the runtime baseline), MB: on wasm this lives in the wasm heap. */
  tensorsMb: number;
  /** Contribution of each part, MB. */
  parts: { runtime: number } & Record<keyof MemoryFeatures, number>;
  /** On wasm: whether the tensors stay under the wasm heap cap. */
  withinWasmCap: boolean;
}

const MB = 2 ** 20;

/**
 * Peak memory of a training run from the model's shape and the settings. The coefficients were fitted on the wasm
 * backend; cpu keeps the same tensors in JS memory, so the same model applies. tensorflow / tensorflow-gpu were
 * not measurable here (not installed): the same tensor sizes are used as an estimate (GPU: of VRAM).
 */
export function predictPeakMemory(shape: ModelShape, settings: MemorySettings, backend: TfjsBackendName = "wasm", nativeMatMul = nativeMatMulExpected()): MemoryPrediction {
  const f = memoryFeatures(shape, settings);
  // Without MLAS (onnxruntime-node absent or turned off) wasm's XNNPACK multiplies the weights and packs each one.
  const c = backend === "wasm" && !nativeMatMul ? { ...MEMORY_COEFFICIENTS, weights: MEMORY_COEFFICIENTS.weights + XNNPACK_PACKED_WEIGHTS } : MEMORY_COEFFICIENTS;
  const part = (k: keyof MemoryFeatures) => Math.round(((f[k] * 4) / MB) * c[k]);
  const parts = { runtime: c.baselineMb, weights: part("weights"), linear: part("linear"), attention: part("attention"), logits: part("logits"), loraActivations: part("loraActivations"), adapter: part("adapter") };
  const tensorsMb = parts.weights + parts.linear + parts.attention + parts.logits + parts.loraActivations + parts.adapter;
  return { peakMb: parts.runtime + tensorsMb, tensorsMb, parts, withinWasmCap: backend !== "wasm" || tensorsMb <= WASM_HEAP_CAP_MB };
}
