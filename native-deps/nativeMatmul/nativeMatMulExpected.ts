import { createRequire } from "node:module";

/**
 * Whether a training process started now would use MLAS for its large products: onnxruntime-node resolves and
 * LORA_STUDIO_NATIVE_MATMUL is not "0". For predictions made outside the training process (the memory model), so it
 * only looks for the package; a library that then fails to load falls back to XNNPACK, which the calibration run
 * measures anyway.
 */
export function nativeMatMulExpected(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.LORA_STUDIO_NATIVE_MATMUL === "0") return false;
  try {
    createRequire(import.meta.url).resolve("onnxruntime-node");
    return true;
  } catch {
    return false;
  }
}
