export { registerFastWasmKernels, registerStockWasmKernels, stockWasmKernels, fastWasmKernelsActive, type WasmKernelSet } from "./registerFastWasmKernels";
export { fastBatchMatMul, fastBatchMatMulConfig, broadcastIndices } from "./fastBatchMatMul";
export { fastIdentity, fastIdentityConfig } from "./fastIdentity";
export { configureNativeMatMul, nativeMatMulFor, nativeMatMulState, MIN_NATIVE_FLOPS, type NativeMatMulState } from "../nativeMatmul/nativeMatMul";
