import * as tf from "@tensorflow/tfjs-core";
import type { LlamaModel } from "../model/LlamaModel";
import { headChunks } from "./headChunks";

/**
 * headCrossEntropy computed over vocabulary chunks, never holding the [rows, vocab] logits: forward, per chunk, the
 * chunk's logits and a running max and sum of exponentials (online softmax), so lse = log(sum) + max after the last
 * chunk; the target logit is hidden . head^T[target] (`targetRows`). Backward recomputes each chunk's logits:
 * dHidden = sum over chunks of (softmax * coef) @ head^T[chunk] - coef * head^T[targets]. Saved for the backward
 * pass: the hidden states and lse [rows, 1] only. Peak memory: a few [rows, chunkRows] tensors (and a chunk of the
 * head where it is sliced), whatever the vocabulary; the price is the head's forward product once more.
 */
export function chunkedHeadCrossEntropy(
  model: LlamaModel,
  hidden: tf.Tensor2D,
  targets: Int32Array,
  weight: Float32Array,
  targetRows: () => tf.Tensor2D,
  chunkRows: number,
): tf.Scalar {
  const rows = targets.length;
  const chunks = headChunks(model, chunkRows);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const h = args[0] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    let max: tf.Tensor2D = tf.fill([rows, 1], -Infinity);
    let sum: tf.Tensor2D = tf.zeros([rows, 1]);
    for (const chunk of chunks) {
      const [nextMax, nextSum] = tf.tidy(() => {
        const logits = chunk.logits(h);
        const m = tf.maximum(max, tf.max(logits, 1, true)) as tf.Tensor2D;
        // sum * exp(old max - new max): exp(-inf) = 0 on the first chunk.
        const s = tf.add(tf.mul(sum, tf.exp(tf.sub(max, m))), tf.sum(tf.exp(tf.sub(logits, m)), 1, true)) as tf.Tensor2D;
        return [m, s];
      });
      tf.dispose([max, sum]);
      max = nextMax!;
      sum = nextSum!;
    }
    const lse = tf.add(tf.log(sum), max) as tf.Tensor2D;
    const picked = tf.sum(tf.mul(h, targetRows()), 1);
    save([h, lse]);
    return {
      value: tf.sum(tf.mul(tf.tensor1d(weight), tf.sub(tf.reshape(lse, [-1]), picked))) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => {
        const [savedH, savedLse] = saved as [tf.Tensor2D, tf.Tensor2D];
        const coef = tf.reshape(tf.mul(tf.tensor1d(weight), dy), [rows, 1]);
        let dh = tf.tidy(() => tf.neg(tf.mul(targetRows(), coef))) as tf.Tensor2D;
        for (const chunk of chunks) {
          const next = tf.tidy(() => tf.add(dh, chunk.backward(tf.mul(tf.exp(tf.sub(chunk.logits(savedH), savedLse)), coef) as tf.Tensor2D))) as tf.Tensor2D;
          dh.dispose();
          dh = next;
        }
        return dh;
      }),
    };
  });
  return op(hidden) as tf.Scalar;
}
