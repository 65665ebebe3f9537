import * as tf from "@tensorflow/tfjs-core";
import { CAUSAL_ATTENTION_KERNEL, type CausalAttentionAttrs } from "../../../native-deps/webgpu/registerCausalAttentionKernel";

/**
 * Whether causal attention runs as the fused WGSL kernel (native-deps/webgpu/causalAttentionProgram.ts): the backend
 * is webgpu and the kernel is registered; LORA_STUDIO_WEBGPU_ATTENTION=0 turns it off.
 */
export function fusedAttentionAvailable(): boolean {
  if (tf.getBackend() !== "webgpu" || !tf.getKernel(CAUSAL_ATTENTION_KERNEL, "webgpu")) return false;
  // globalThis.process: this also runs in a renderer (the hidden trainer window), where there is no process.
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.LORA_STUDIO_WEBGPU_ATTENTION !== "0";
}

function run(mode: CausalAttentionAttrs["mode"], scale: number, inputs: Record<string, tf.Tensor>): tf.Tensor {
  return tf.engine().runKernel(CAUSAL_ATTENTION_KERNEL, inputs, { mode, scale } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * causalAttention (q [B, T, H, hd], k and v [B, T, KV, hd], RoPE applied; returns [B*T, H*hd]) as one custom-gradient
 * op of q, k and v on the fused kernel: no [B, H, T, T] scores or probabilities exist, forward or backward. Saved for
 * the backward pass: q, k, v and the output; the backward pass recomputes the row log-sum-exp, then dQ, dK and dV.
 */
export function fusedCausalAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, scale: number): tf.Tensor2D {
  const [b, t, h, hd] = q.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qi, ki, vi] = args as tf.Tensor4D[];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const out = run("out", scale, { q: qi!, k: ki!, v: vi! });
    save([qi!, ki!, vi!, out]);
    return {
      value: tf.reshape(out, [b * t, h * hd]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [sq, sk, sv, so] = saved as tf.Tensor4D[];
          const dO = tf.reshape(dy, [b, t, h, hd]);
          const inputs = { q: sq!, k: sk!, v: sv!, dO, lse: run("lse", scale, { q: sq!, k: sk!, v: sv! }), dd: tf.sum(tf.mul(dO, so!), -1) };
          // dk/dv come per query head: a kv head's gradient is the sum over its group (adjacent query heads).
          const kv = sk!.shape[2];
          const perKv = (g: tf.Tensor) => (kv === h ? g : tf.sum(tf.reshape(g, [b, t, kv, h / kv, hd]), 3));
          return [run("dq", scale, inputs), perKv(run("dk", scale, inputs)), perKv(run("dv", scale, inputs))];
        }),
    };
  });
  return op(q, k, v) as tf.Tensor2D;
}
