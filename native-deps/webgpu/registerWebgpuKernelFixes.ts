import type * as tfType from "@tensorflow/tfjs-core";
import { registerCausalAttentionKernel } from "./registerCausalAttentionKernel";
import { registerQuantizedMatMulKernel } from "./registerQuantizedMatMulKernel";

/**
 * tfjs-backend-webgpu 4.22's split-K matmul (chosen for a batch-1 product with a long inner dimension, K >= 2000,
 * and few output tiles) gives wrong results when B is transposed: [16, 2048] x [64, 2048]^T was off by 9.4 on
 * values of 4.8 (test/native-deps/webgpuKernelFixes.test.ts). Training hits it in the head's backward product and
 * in frozen weights' backward products (dX = dY @ W^T). BatchMatMul is re-registered: with transposeB and a long
 * K, B is transposed first (a Transpose kernel) and the product runs untransposed, which is correct.
 * Also registers the engine's own webgpu kernels (registerQuantizedMatMulKernel, registerCausalAttentionKernel): every place that sets up the
 * backend (native-deps/tfjsBackend.ts, the trainer page) calls this one function.
 */
export const SPLIT_K_MIN_INNER = 2000;

export function registerWebgpuKernelFixes(tf: typeof tfType): void {
  registerQuantizedMatMulKernel(tf);
  registerCausalAttentionKernel(tf);
  const original = tf.getKernel("BatchMatMul", "webgpu");
  const transpose = tf.getKernel("Transpose", "webgpu");
  if (!original || !transpose || (original as { fixed?: boolean }).fixed) return;
  const kernelFunc: tfType.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: tfType.TensorInfo; b: tfType.TensorInfo };
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
    const inner = b.shape[b.shape.length - 1]!;
    if (!attrs.transposeB || inner < SPLIT_K_MIN_INNER) return original.kernelFunc(args);
    const perm = b.shape.map((_, i) => i);
    [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2]!, perm[perm.length - 1]!];
    const bT = transpose.kernelFunc({ inputs: { x: b }, backend: args.backend, attrs: { perm } }) as tfType.TensorInfo;
    try {
      return original.kernelFunc({ ...args, inputs: { a, b: bT }, attrs: { ...attrs, transposeB: false } });
    } finally {
      (args.backend as { disposeData(id: object): void }).disposeData(bT.dataId);
    }
  };
  tf.unregisterKernel("BatchMatMul", "webgpu");
  tf.registerKernel({ ...original, kernelFunc, fixed: true } as tfType.KernelConfig);
}
