import * as tf from "@tensorflow/tfjs-core";

/** llama.cpp's RMSNorm over the last axis: x * rsqrt(mean(x^2) + eps) * w. */
export function rmsNorm<T extends tf.Tensor>(x: T, w: tf.Tensor1D, eps: number): T {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), w);
}
