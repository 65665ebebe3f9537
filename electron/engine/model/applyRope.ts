import * as tf from "@tensorflow/tfjs-core";
import type { RopeType } from "./ModelConfig";

/**
 * Rotates the first nRot dims of each head of x [B, T, heads, headDim]; cos and sin are [T, 1, nRot / 2]
 * (broadcast over batch and heads). NEOX pairs (x[i], x[i + nRot/2]); NORM pairs (x[2i], x[2i+1]).
 * Both become the same half-split arithmetic: NORM views the rotated dims as [.., nRot/2, 2] and slices
 * the last axis. Only reshape, slice and concat, so every step has a gradient on every backend and no
 * transpose is needed.
 * Note: llama-arch q/k are rotated in the GGUF row order as stored. The converter permuted those rows
 * so that NORM on the GGUF layout equals Hugging Face's rotate-half on the HF layout; undoing the
 * permutation here would only have to be redone for NEOX-style rotation. It matters again only when
 * exporting q/k LoRA weights to PEFT (see FORMATS.md).
 */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor3D, sin: tf.Tensor3D, nRot: number, type: RopeType): tf.Tensor4D {
  const [b, t, h, d] = x.shape;
  const half = nRot / 2;
  const rot = nRot === d ? x : tf.slice(x, [0, 0, 0, 0], [b, t, h, nRot]);
  let x0: tf.Tensor4D;
  let x1: tf.Tensor4D;
  switch (type) {
    case "neox":
      x0 = tf.slice(rot, [0, 0, 0, 0], [b, t, h, half]);
      x1 = tf.slice(rot, [0, 0, 0, half], [b, t, h, half]);
      break;
    case "norm": {
      const pairs = tf.reshape(rot, [b, t, h * half, 2]);
      x0 = tf.reshape(tf.slice(pairs, [0, 0, 0, 0], [b, t, h * half, 1]), [b, t, h, half]);
      x1 = tf.reshape(tf.slice(pairs, [0, 0, 0, 1], [b, t, h * half, 1]), [b, t, h, half]);
      break;
    }
    default:
      return type satisfies never;
  }
  const o0 = tf.sub(tf.mul(x0, cos), tf.mul(x1, sin));
  const o1 = tf.add(tf.mul(x0, sin), tf.mul(x1, cos));
  const rotated =
    type === "neox"
      ? tf.concat([o0, o1], 3)
      : tf.reshape(tf.concat([tf.reshape(o0, [b, t, h * half, 1]), tf.reshape(o1, [b, t, h * half, 1])], 3), [b, t, h, nRot]);
  if (nRot === d) return rotated as tf.Tensor4D;
  return tf.concat([rotated as tf.Tensor4D, tf.slice(x, [0, 0, 0, nRot], [b, t, h, d - nRot])], 3);
}
