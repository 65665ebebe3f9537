import { getKernel, Identity, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { asWasmBackend } from "./wasmInternals";

/**
 * Identity as a reference increment, like the cpu backend. Note: stock wasm deep-copies, and tfjs clones (through
 * Identity) every tensor it saves for backprop, so stock copies every saved activation and frozen weight each step.
 * Sharing is safe because no wasm kernel writes into its inputs.
 */
export const fastIdentity: KernelFunc = (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === "string") return stockIdentity()(args);
  asWasmBackend(args.backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

let stock: KernelFunc | undefined;
/** Strings live in JS on wasm; the stock kernel handles them. Captured when the fast kernels are registered. */
export function setStockIdentity(fn: KernelFunc): void {
  stock = fn;
}
function stockIdentity(): KernelFunc {
  const fn = stock ?? getKernel(Identity, "wasm")?.kernelFunc;
  if (!fn || fn === fastIdentity) throw new Error("stock wasm Identity kernel not captured");
  return fn;
}

export const fastIdentityConfig: KernelConfig = { kernelName: Identity, backendName: "wasm", kernelFunc: fastIdentity };
