import type * as tfType from "@tensorflow/tfjs-core";
import { QuantizedMatMulProgram, type QuantizedMatMulShape } from "./quantizedMatMulProgram";

/** The custom kernel's name: A @ W^T or A @ W for a frozen GGUF weight W given as its raw blocks (webgpu only). */
export const QUANTIZED_MATMUL_KERNEL = "LoraStudioQuantizedMatMul";

/** The kernel's attributes: QuantizedMatMulShape without rows (A's first dimension). */
export type QuantizedMatMulAttrs = Omit<QuantizedMatMulShape, "rows">;

interface WebgpuBackendLike {
  runWebGPUProgram(program: QuantizedMatMulProgram, inputs: tfType.TensorInfo[], outputDtype: "float32", uniforms: { type: string; data: number[] }[]): tfType.TensorInfo;
}

/**
 * Registers QUANTIZED_MATMUL_KERNEL on the webgpu backend (inputs `a` float32 [rows, k] and `blocks`, the GGUF bytes
 * as int32 words; attrs QuantizedMatMulAttrs), run as a QuantizedMatMulProgram through the backend's own
 * runWebGPUProgram. No gradient is registered: the engine calls it inside a custom-gradient op
 * (electron/engine/model/frozenQuantizedMatMul.ts), whose backward is the same kernel with `backward`.
 */
export function registerQuantizedMatMulKernel(tf: typeof tfType): void {
  if (tf.getKernel(QUANTIZED_MATMUL_KERNEL, "webgpu")) return;
  tf.registerKernel({
    kernelName: QUANTIZED_MATMUL_KERNEL,
    backendName: "webgpu",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, blocks } = inputs as { a: tfType.TensorInfo; blocks: tfType.TensorInfo };
      const shape = attrs as unknown as QuantizedMatMulAttrs;
      const reduced = shape.backward ? shape.count : shape.inDim;
      if (a.shape.length !== 2 || a.shape[1] !== reduced) {
        throw new RangeError(`${QUANTIZED_MATMUL_KERNEL}: input of shape [${a.shape.join(", ")}] needs [rows, ${reduced}] (${shape.backward ? "the weight rows used" : "the weight's input width"})`);
      }
      if (a.dtype !== "float32" || blocks.dtype !== "int32") throw new TypeError(`${QUANTIZED_MATMUL_KERNEL}: needs float32 input and int32 blocks, got ${a.dtype} and ${blocks.dtype}`);
      const needed = shape.rowBytes * (shape.offset + shape.count);
      if (blocks.shape[0]! * 4 < needed) throw new RangeError(`${QUANTIZED_MATMUL_KERNEL}: rows ${shape.offset}..${shape.offset + shape.count} need ${needed} bytes of blocks, got ${blocks.shape[0]! * 4}`);
      const program = new QuantizedMatMulProgram({ ...shape, rows: a.shape[0]! });
      return (backend as unknown as WebgpuBackendLike).runWebGPUProgram(program, [a, blocks], "float32", program.uniformData());
    },
  });
}
