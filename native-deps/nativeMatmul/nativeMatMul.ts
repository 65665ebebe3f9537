import { availableParallelism } from "node:os";
import { OrtMatMul } from "./OrtMatMul";

/**
 * Products below this many floating-point operations stay on wasm's XNNPACK: a native call costs ~15-25 us
 * (building the binding's tensors, ORT's run bookkeeping), which XNNPACK matches or beats below ~4 MFLOP (LoRA's own rank-8 products: 2.4 MFLOP). Measured with
 * native-deps/bench/matmulBench.ts (see native-deps/README.md, "Native matmul").
 */
export const MIN_NATIVE_FLOPS = 4e6;

export interface NativeMatMulState {
  /** MLAS is in use for products of at least MIN_NATIVE_FLOPS. */
  active: boolean;
  threads: number;
  /** Smallest product (2*batch*m*k*n) that goes to MLAS. */
  minFlops: number;
  /** Why it is not active (disabled, not installed, failed to load), or the library and version in use. */
  reason: string;
}

let ort: OrtMatMul | undefined;
let state: NativeMatMulState | undefined;

/**
 * Threads for the trainer's matmuls: LORA_STUDIO_TRAIN_THREADS (set by whoever starts the training process from
 * the app's thread budget, and by benchmarks), else every logical CPU the process may use.
 */
export function trainThreadsFromEnv(): number {
  const raw = process.env.LORA_STUDIO_TRAIN_THREADS;
  if (raw === undefined || raw === "") return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`LORA_STUDIO_TRAIN_THREADS=${raw} is not a thread count: use an integer >= 1`);
  return n;
}

/**
 * Loads MLAS (onnxruntime-node) for the wasm BatchMatMul, once per process unless `reconfigure`. Never throws for
 * an absent or broken library: training then stays on XNNPACK and `reason` says why. LORA_STUDIO_NATIVE_MATMUL=0
 * turns it off (comparisons, or a machine where it misbehaves).
 */
export function configureNativeMatMul(
  options: { threads?: number; enabled?: boolean; spin?: boolean; minFlops?: number; reconfigure?: boolean } = {},
): NativeMatMulState {
  if (state && !options.reconfigure) return state;
  ort?.dispose();
  ort = undefined;
  const threads = options.threads ?? trainThreadsFromEnv();
  const enabled = options.enabled ?? process.env.LORA_STUDIO_NATIVE_MATMUL !== "0";
  const minFlops = options.minFlops ?? MIN_NATIVE_FLOPS;
  if (!enabled) {
    state = { active: false, threads, minFlops, reason: "turned off (LORA_STUDIO_NATIVE_MATMUL=0 or by the caller)" };
    return state;
  }
  try {
    ort = OrtMatMul.load({ threads, spin: options.spin ?? false });
    state = { active: true, threads, minFlops, reason: `onnxruntime-node ${ort.version} (MLAS), ${threads} thread${threads === 1 ? "" : "s"}` };
  } catch (error) {
    state = { active: false, threads, minFlops, reason: (error as Error).message };
  }
  return state;
}

/**
 * The loaded native matmul for a product of `flops` (2*batch*m*k*n), or undefined when the product is below the
 * crossover or MLAS is off or absent (configureNativeMatMul was not called, or failed).
 */
export function nativeMatMulFor(flops: number): OrtMatMul | undefined {
  return ort && flops >= state!.minFlops ? ort : undefined;
}

export function nativeMatMulState(): NativeMatMulState | undefined {
  return state;
}

/** What the loaded native matmul has run so far (zeros when none is loaded). */
export function nativeMatMulStats(): { calls: number; seconds: number; flops: number } {
  return ort ? { ...ort.stats } : { calls: 0, seconds: 0, flops: 0 };
}

/** Turns MLAS off for the rest of the process (after a failure), keeping `reason` for doctor and the logs. */
export function disableNativeMatMul(reason: string): void {
  ort?.dispose();
  ort = undefined;
  state = { ...(state ?? { threads: 1, minFlops: MIN_NATIVE_FLOPS }), active: false, reason };
  console.warn(`LoRA Studio: ${reason}; training goes on with the wasm matmul`);
}
