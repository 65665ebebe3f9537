import type * as tfcore from "@tensorflow/tfjs-core";

/** Tensors of uniform values in [-0.5, 0.5) from a Park-Miller generator: the same values for the same seed. */
export function seededTensors(seed: number): (tf: typeof tfcore, shape: number[]) => tfcore.Tensor {
  let state = seed;
  return (tf, shape) => {
    const values = new Float32Array(shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < values.length; i++) {
      state = (state * 16807) % 2147483647;
      values[i] = state / 2147483647 - 0.5;
    }
    return tf.tensor(values, shape);
  };
}
