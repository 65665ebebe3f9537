import * as tf from "@tensorflow/tfjs-core";
import { blocksMatMul, blocksMatMulT, onGpuBlocks } from "../model/frozenQuantizedMatMul";
import type { LlamaModel } from "../model/LlamaModel";

/** Vocabulary rows [start, start + count) of the output head, with its two products. */
export interface HeadChunk {
  start: number;
  count: number;
  /** h [rows, nEmbd] -> the chunk's logits [rows, count]. */
  logits(h: tf.Tensor2D): tf.Tensor2D;
  /** p [rows, count] -> p @ head^T[chunk] = [rows, nEmbd], the chunk's part of dHidden. */
  backward(p: tf.Tensor2D): tf.Tensor2D;
}

/**
 * The output head as vocabulary chunks of at most `chunkRows` rows, each computing its logits and its backward
 * product without the others. Whatever holds the head: VocabSplit's row chunks (used as they are when they fit
 * `chunkRows`), a head kept quantized (the tied embedding, or an untied output.weight) read from its blocks on the
 * GPU (no float32 copy at all), a [vocab, nEmbd] head^T, or the [nEmbd, vocab] head. Slices of a whole tensor are
 * copies made when the chunk runs (transient, chunkRows x nEmbd floats; tfjs-backend-webgpu's Slice always copies).
 */
export function headChunks(model: LlamaModel, chunkRows: number): HeadChunk[] {
  const { output, outputT, tokenEmbd, quantized, vocabSplit } = model.weights;
  const vocab = model.config.vocabSize;
  const nEmbd = model.config.nEmbd;
  const ranges = (total: number, offset: number) => {
    const out: { start: number; count: number }[] = [];
    for (let s = 0; s < total; s += chunkRows) out.push({ start: offset + s, count: Math.min(chunkRows, total - s) });
    return out;
  };
  /** Chunks of a [rows, nEmbd] head^T tensor starting at vocabulary row `offset`. */
  const ofRows = (rows: tf.Tensor2D, offset: number): HeadChunk[] =>
    ranges(rows.shape[0], offset).map(({ start, count }) => {
      const part = () => (count === rows.shape[0] ? rows : tf.slice(rows, [start - offset, 0], [count, nEmbd]));
      return { start, count, logits: (h) => tf.matMul(h, part(), false, true), backward: (p) => tf.matMul(p, part()) };
    });
  if (vocabSplit) {
    let offset = 0;
    return vocabSplit.head.chunks.flatMap((c) => {
      const chunks = ofRows(c, offset);
      offset += c.shape[0];
      return chunks;
    });
  }
  const tied = model.config.tiedEmbeddings;
  const blocks = tied ? quantized?.tokenEmbd : quantized?.output;
  if (blocks && onGpuBlocks(blocks)) {
    return ranges(vocab, 0).map(({ start, count }) => ({
      start,
      count,
      logits: (h) => blocksMatMulT(h, blocks, start, count),
      backward: (p) => blocksMatMul(p, blocks, start, count),
    }));
  }
  const headT = tied ? tokenEmbd : outputT;
  if (headT) return ofRows(headT, 0);
  const head = output!;
  return ranges(vocab, 0).map(({ start, count }) => {
    const part = () => (count === vocab ? head : tf.slice(head, [0, start], [nEmbd, count]));
    return { start, count, logits: (h) => tf.matMul(h, part()), backward: (p) => tf.matMul(p, part(), false, true) };
  });
}
