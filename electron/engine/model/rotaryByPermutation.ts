import * as tf from "@tensorflow/tfjs-core";
import type { RopeType } from "./ModelConfig";
import type { RopeTables } from "./ropeTables";

/** RoPE constants over the whole head width: x -> x * cos + (x @ swap) * sin. cos and sin depend on the length. */
export interface RotaryConstants {
  /** [T, 1, headDim]: each pair's cos at both of its dims; 1 on dims past nRot. */
  cos: tf.Tensor3D;
  /** [T, 1, headDim]: each pair's sin at both of its dims; 0 on dims past nRot. */
  sin: tf.Tensor3D;
  /** [headDim, headDim]: (x @ swap) puts -x1 where x0 is and x0 where x1 is, for every rotated pair (x0, x1). */
  swap: tf.Tensor2D;
}

/** The dims of rotated pair i: NORM pairs (x[2i], x[2i+1]); NEOX pairs (x[i], x[i + nRot/2]). */
function pairDims(i: number, nRot: number, type: RopeType): [number, number] {
  return type === "norm" ? [2 * i, 2 * i + 1] : [i, i + nRot / 2];
}

/** cos and sin [T, 1, headDim] of `applyRotary` from the angle tables [T, nRot / 2]. */
export function rotaryTables(tables: RopeTables, seqLen: number, headDim: number, nRot: number, type: RopeType): { cos: tf.Tensor3D; sin: tf.Tensor3D } {
  const half = nRot / 2;
  const cos = new Float32Array(seqLen * headDim).fill(1);
  const sin = new Float32Array(seqLen * headDim);
  for (let i = 0; i < half; i++) {
    const [d0, d1] = pairDims(i, nRot, type);
    for (let pos = 0; pos < seqLen; pos++) {
      const c = tables.cos[pos * half + i]!;
      const s = tables.sin[pos * half + i]!;
      cos[pos * headDim + d0] = c;
      cos[pos * headDim + d1] = c;
      sin[pos * headDim + d0] = s;
      sin[pos * headDim + d1] = s;
    }
  }
  return { cos: tf.tensor3d(cos, [seqLen, 1, headDim]), sin: tf.tensor3d(sin, [seqLen, 1, headDim]) };
}

/** The swap matrix [headDim, headDim] of `applyRotary` (the same for every length). */
export function rotarySwap(headDim: number, nRot: number, type: RopeType): tf.Tensor2D {
  const swap = new Float32Array(headDim * headDim);
  for (let i = 0; i < nRot / 2; i++) {
    const [d0, d1] = pairDims(i, nRot, type);
    // (x @ swap)[d0] = -x[d1], (x @ swap)[d1] = x[d0]
    swap[d1 * headDim + d0] = -1;
    swap[d0 * headDim + d1] = 1;
  }
  return tf.tensor2d(swap, [headDim, headDim]);
}

/**
 * RoPE on x [B, T, heads, headDim]: o0 = x0 cos - x1 sin, o1 = x1 cos + x0 sin for every pair, computed as
 * x * cos + (x @ swap) * sin. Note: the same floats as the slice-and-concat form (applyRope): a product with one
 * ±1 and zeros elsewhere is exact, a + (-b) is a - b, and addition commutes; dims past nRot get x * 1 + 0.
 * It replaces slices and concats on a last axis of 1 or nRot/2, whose wasm kernels and gradients (Slice,
 * Concat, PadV2, SplitV) cost ~14% of a training step, by one small matmul and element-wise products.
 */
export function applyRotary(x: tf.Tensor4D, c: RotaryConstants): tf.Tensor4D {
  const [b, t, h, d] = x.shape;
  const swapped = tf.reshape(tf.matMul(tf.reshape(x, [b * t * h, d]), c.swap), [b, t, h, d]);
  return tf.add(tf.mul(x, c.cos), tf.mul(swapped, c.sin));
}
