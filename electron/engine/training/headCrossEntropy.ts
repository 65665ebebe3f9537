import * as tf from "@tensorflow/tfjs-core";
import type { LlamaModel } from "../model/LlamaModel";
import { dequantizeRows } from "../model/QuantizedWeights";
import { chunkedHeadCrossEntropy } from "./chunkedHeadCrossEntropy";

/** Vocabulary rows per chunk of the chunked loss (webgpu): [512, 8192] float32 logits are 16 MiB. */
export const HEAD_CHUNK_ROWS = 8192;

/**
 * Rows per vocabulary chunk for the loss on the current backend: HEAD_CHUNK_ROWS on webgpu (GPU memory is scarce,
 * and [rows, vocab] logits may exceed the binding limit), Infinity (the fused whole-vocabulary op) elsewhere.
 * LORA_STUDIO_HEAD_CHUNK_ROWS sets it on any backend (0 or Infinity: never chunked).
 */
export function headChunkRows(): number {
  // globalThis.process: this also runs in a renderer (the hidden trainer window), where there is no process.
  const forced = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.LORA_STUDIO_HEAD_CHUNK_ROWS;
  if (forced !== undefined && forced !== "") {
    const n = Number(forced);
    return n > 0 ? n : Infinity;
  }
  return tf.getBackend() === "webgpu" ? HEAD_CHUNK_ROWS : Infinity;
}

/**
 * sum_i weight[i] * (logsumexp(logits_i) - logits_i[target_i]) with logits = hidden @ output head, as one
 * custom-gradient op of `hidden` [rows, nEmbd]. `weight` is the loss mask divided by the token count.
 *
 * Note: fused because the [rows, vocab] tensors dominate a step on large vocabularies (49k for SmolLM2): the
 * taped form (logSoftmax, a float one-hot, their gradients) makes ~15 passes over [rows, vocab] and keeps ~8
 * such tensors until the backward pass ends; this makes 7 and keeps only the logits. The one-hot is never
 * built: its part of dHidden = (softmax - onehot) * w @ head^T is w * (rows of head^T at the targets), a gather.
 * The gather is forward-only here (inside a custom op), so the missing wasm gather gradient does not matter.
 * With `chunkRows` below the vocabulary (webgpu by default, headChunkRows), the logits are never whole: see
 * chunkedHeadCrossEntropy.
 */
export function headCrossEntropy(model: LlamaModel, hidden: tf.Tensor2D, targets: Int32Array, weight: Float32Array, chunkRows = headChunkRows()): tf.Scalar {
  const { outputT, tokenEmbd, quantized, vocabSplit } = model.weights;
  const output = model.weights.output!; // absent only with vocabSplit or a head on GPU blocks (chunked below)
  const tied = model.config.tiedEmbeddings;
  const vocab = model.config.vocabSize;
  const rows = targets.length;
  // head^T [vocab, nEmbd] where one exists without copying: a tied head's embedding table, or a transposed copy.
  const headT = tied ? tokenEmbd : outputT;
  const targetRows = (): tf.Tensor2D => {
    if (vocabSplit) return vocabSplit.head.gatherRows(targets);
    const index = tf.tensor1d(targets, "int32");
    if (headT) return tf.gather(headT, index);
    const blocks = tied ? quantized?.tokenEmbd : quantized?.output;
    if (blocks) return tf.tensor2d(dequantizeRows(blocks, Array.from(targets)), [rows, model.config.nEmbd]);
    return tf.transpose(tf.gather(output, index, 1));
  };
  if (chunkRows < vocab || (!vocabSplit && !model.weights.output)) return chunkedHeadCrossEntropy(model, hidden, targets, weight, targetRows, Math.min(chunkRows, HEAD_CHUNK_ROWS));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const h = args[0] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const logits = vocabSplit ? vocabSplit.head.matMulT(h) : tf.matMul(h, output);
    const max = tf.max(logits, 1, true);
    const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(logits, max)), 1, true)), max);
    const flat = Int32Array.from(targets, (t, i) => i * vocab + t);
    const picked = tf.gather(tf.reshape(logits, [-1]), tf.tensor1d(flat, "int32"));
    const w = tf.tensor1d(weight);
    save([logits, lse]);
    return {
      value: tf.sum(tf.mul(w, tf.sub(tf.reshape(lse, [-1]), picked))) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedLogits, savedLse] = saved as [tf.Tensor2D, tf.Tensor2D];
          const coef = tf.reshape(tf.mul(tf.tensor1d(weight), dy), [rows, 1]);
          const scaledSoftmax = tf.mul(tf.exp(tf.sub(savedLogits, savedLse)), coef);
          const softmaxPart = vocabSplit ? vocabSplit.head.matMul(scaledSoftmax as tf.Tensor2D) : headT ? tf.matMul(scaledSoftmax, headT) : tf.matMul(scaledSoftmax, output, false, true);
          return tf.sub(softmaxPart, tf.mul(targetRows(), coef));
        }),
    };
  });
  return op(hidden) as tf.Scalar;
}
