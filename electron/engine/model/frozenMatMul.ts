import * as tf from "@tensorflow/tfjs-core";

/**
 * x [rows, in] @ w [in, out] for a frozen w, as one custom-gradient op whose only input is x.
 * Note: tf.matMul would save x and w for its backward pass; a frozen weight needs no gradient, so only
 * dX = dY @ w^T is computed and nothing is saved (x stays alive only if something else needs it). The backward
 * product takes w^T from `transposed` when given (a pre-transposed copy, or quantized GGUF rows dequantized
 * again, which are w^T as stored) and otherwise transposes w, as tf.matMul's own gradient does; either way
 * the operands hold the same values, so the gradient is the same.
 */
export function frozenMatMul(x: tf.Tensor2D, w: tf.Tensor2D, transposed?: () => tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.matMul(args[0] as tf.Tensor2D, w),
    // tidy: a weight made here (dequantized) must not live until the whole backward pass ends.
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => (transposed ? tf.matMul(dy as tf.Tensor2D, transposed()) : tf.matMul(dy as tf.Tensor2D, w, false, true))),
  }));
  return op(x) as tf.Tensor2D;
}
