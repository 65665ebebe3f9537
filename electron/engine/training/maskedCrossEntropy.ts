import * as tf from "@tensorflow/tfjs-core";
import type { LinearHooks, LlamaModel } from "../model/LlamaModel";
import type { Batch } from "./makeBatch";

/**
 * Mean next-token cross-entropy over the batch's masked (completion) tokens, in nats.
 * Note: the target log-probabilities are picked with a one-hot product, not gather: gather's gradient
 * (UnsortedSegmentSum) does not exist on the wasm backend.
 */
export function maskedCrossEntropy(model: LlamaModel, batch: Batch, hooks?: LinearHooks, hidden?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const h = hidden ?? model.hidden(batch.inputs, model.context(batch.inputs, hooks));
    const logits = model.head(h);
    const logp = tf.logSoftmax(logits);
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(batch.targets, "int32"), model.config.vocabSize), "float32");
    const picked = tf.sum(tf.mul(logp, oneHot), 1);
    const mask = tf.tensor1d(batch.mask, "float32");
    return tf.div(tf.neg(tf.sum(tf.mul(picked, mask))), Math.max(1, batch.lossTokens)) as tf.Scalar;
  });
}
