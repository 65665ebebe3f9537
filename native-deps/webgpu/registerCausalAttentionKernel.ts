import type * as tfType from "@tensorflow/tfjs-core";
import { CausalAttentionProgram, type CausalAttentionMode } from "./causalAttentionProgram";

/** The custom kernel's name: one mode of CausalAttentionProgram (webgpu only). */
export const CAUSAL_ATTENTION_KERNEL = "LoraStudioCausalAttention";

export interface CausalAttentionAttrs {
  mode: CausalAttentionMode;
  scale: number;
}

interface WebgpuBackendLike {
  runWebGPUProgram(program: CausalAttentionProgram, inputs: tfType.TensorInfo[], outputDtype: "float32", uniforms: { type: string; data: number[] }[]): tfType.TensorInfo;
}

/**
 * Registers CAUSAL_ATTENTION_KERNEL on the webgpu backend: inputs q [B, T, H, hd], k, v [B, T, KV, hd] (and for the
 * backward modes dO [B, T, H, hd], lse and dd [B, T, H]), attrs CausalAttentionAttrs. No gradient of its own: the
 * engine's custom-gradient op (electron/engine/model/fusedCausalAttention.ts) runs the backward modes.
 */
export function registerCausalAttentionKernel(tf: typeof tfType): void {
  if (tf.getKernel(CAUSAL_ATTENTION_KERNEL, "webgpu")) return;
  tf.registerKernel({
    kernelName: CAUSAL_ATTENTION_KERNEL,
    backendName: "webgpu",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { mode, scale } = attrs as unknown as CausalAttentionAttrs;
      const { q, k, v } = inputs as Record<string, tfType.TensorInfo>;
      if (!q || !k || !v || q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4) throw new RangeError(`${CAUSAL_ATTENTION_KERNEL}: needs q, k and v of rank 4`);
      const [batch, seqLen, heads, headDim] = q.shape as [number, number, number, number];
      const kvHeads = k.shape[2]!;
      if (heads % kvHeads !== 0 || k.shape[3] !== headDim || k.shape[1] !== seqLen || k.shape[0] !== batch || v.shape.join() !== k.shape.join()) {
        throw new RangeError(`${CAUSAL_ATTENTION_KERNEL}: q [${q.shape.join(", ")}] and k [${k.shape.join(", ")}], v [${v.shape.join(", ")}] are not [B, T, H, hd] and [B, T, KV, hd] with H a multiple of KV`);
      }
      const program = new CausalAttentionProgram({ batch, seqLen, heads, kvHeads, headDim, mode });
      const byName: Record<string, tfType.TensorInfo | undefined> = { Q: q, K: k, V: v, DO: inputs.dO, LSE: inputs.lse, DD: inputs.dd };
      const used = program.variableNames.map((name) => {
        const input = byName[name];
        if (!input) throw new RangeError(`${CAUSAL_ATTENTION_KERNEL}: mode ${mode} needs the inputs ${program.variableNames.join(", ")}`);
        return input;
      });
      return (backend as unknown as WebgpuBackendLike).runWebGPUProgram(program, used, "float32", program.uniformData(scale));
    },
  });
}
