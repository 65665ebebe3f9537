import * as tf from "@tensorflow/tfjs-core";
import type { LinearHooks, LlamaModel } from "../model/LlamaModel";
import { headCrossEntropy } from "./headCrossEntropy";
import type { Batch } from "./makeBatch";

/**
 * Mean next-token cross-entropy over the batch's masked (completion) tokens, in nats.
 * Note: the output head and the loss are one fused op (headCrossEntropy) with its own gradient: no gather
 * gradient (UnsortedSegmentSum does not exist on the wasm backend) and far fewer [rows, vocab] tensors.
 */
export function maskedCrossEntropy(model: LlamaModel, batch: Batch, hooks?: LinearHooks, hidden?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const h = hidden ?? model.hidden(batch.inputs, model.context(batch.inputs, hooks));
    const scale = 1 / Math.max(1, batch.lossTokens);
    return headCrossEntropy(model, h, batch.targets, Float32Array.from(batch.mask, (m) => m * scale));
  });
}
