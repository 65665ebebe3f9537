import * as tf from "@tensorflow/tfjs-core";
import type { LoraAdapter } from "../lora/LoraAdapter";
import type { LlamaModel } from "../model/LlamaModel";
import { makeBatch, type TrainingSequence } from "./makeBatch";
import { maskedCrossEntropy } from "./maskedCrossEntropy";

/** Mean loss per completion token over the sequences, with the adapter on and no dropout. */
export async function evaluateLoss(model: LlamaModel, adapter: LoraAdapter | null, sequences: readonly TrainingSequence[], batchSize: number, seqLen: number): Promise<number> {
  const hooks = adapter?.hooks();
  let total = 0;
  let count = 0;
  for (let i = 0; i < sequences.length; i += batchSize) {
    const batch = makeBatch(sequences.slice(i, i + batchSize), seqLen);
    if (batch.lossTokens === 0) continue;
    const loss = tf.tidy(() => maskedCrossEntropy(model, batch, hooks));
    total += (await loss.data())[0]! * batch.lossTokens;
    count += batch.lossTokens;
    loss.dispose();
  }
  return count > 0 ? total / count : NaN;
}
