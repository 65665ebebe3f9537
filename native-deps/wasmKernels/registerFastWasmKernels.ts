import { BatchMatMul, Identity, type KernelConfig } from "@tensorflow/tfjs-core";
import { fastBatchMatMulConfig } from "./fastBatchMatMul";
import { fastIdentityConfig, setStockIdentity } from "./fastIdentity";
import { configureNativeMatMul } from "../nativeMatmul/nativeMatMul";

type Tf = typeof import("@tensorflow/tfjs-core");

export interface WasmKernelSet {
  batchMatMul: KernelConfig;
  identity: KernelConfig;
}

let stock: WasmKernelSet | undefined;

/**
 * Replaces the wasm backend's BatchMatMul and Identity with the fast ones; the stock configs stay available. The
 * fast BatchMatMul hands large products to MLAS when onnxruntime-node loads (configureNativeMatMul: once per process,
 * LORA_STUDIO_TRAIN_THREADS threads, LORA_STUDIO_NATIVE_MATMUL=0 turns it off).
 */
export function registerFastWasmKernels(tf: Tf): void {
  configureNativeMatMul();
  const current = captureStock(tf);
  setStockIdentity(current.identity.kernelFunc);
  swap(tf, { batchMatMul: fastBatchMatMulConfig, identity: fastIdentityConfig });
}

/** Puts the stock kernels back (for comparisons and benchmarks). */
export function registerStockWasmKernels(tf: Tf): void {
  swap(tf, captureStock(tf));
}

/** The kernel configs tfjs-backend-wasm registered itself; captured on first use, before any replacement. */
export function stockWasmKernels(tf: Tf): WasmKernelSet {
  return captureStock(tf);
}

export function fastWasmKernelsActive(tf: Tf): boolean {
  return tf.getKernel(BatchMatMul, "wasm") === fastBatchMatMulConfig && tf.getKernel(Identity, "wasm") === fastIdentityConfig;
}

function captureStock(tf: Tf): WasmKernelSet {
  if (stock) return stock;
  const batchMatMul = tf.getKernel(BatchMatMul, "wasm");
  const identity = tf.getKernel(Identity, "wasm");
  if (!batchMatMul || !identity) throw new Error("tfjs-backend-wasm is not loaded: its BatchMatMul and Identity kernels are not registered");
  if (batchMatMul === fastBatchMatMulConfig || identity === fastIdentityConfig) throw new Error("stock wasm kernels were replaced before being captured");
  stock = { batchMatMul, identity };
  return stock;
}

function swap(tf: Tf, set: WasmKernelSet): void {
  for (const config of [set.batchMatMul, set.identity]) {
    if (tf.getKernel(config.kernelName, "wasm") === config) continue;
    tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
  }
}
