import { scoreWithLlamaCpp } from "../../engine/inference/scoreWithLlamaCpp";
import type { TrainingSequence } from "../../engine/training/makeBatch";

/**
 * Mean loss per answer token (nats) of prepared sequences under llama.cpp, with or without an adapter: the training
 * run's validation loss, computed by the runtime that serves the chat (F32 KV cache, so it matches the tfjs figure).
 */
export async function heldOutLoss(modelPath: string, sequences: readonly TrainingSequence[], adapterPath?: string): Promise<number> {
  let total = 0;
  let count = 0;
  for (const s of sequences) {
    if (!s.lossMask.slice(1).includes(1)) continue;
    const logprobs = await scoreWithLlamaCpp(modelPath, s.tokens, { kvCache: "F32", ...(adapterPath ? { loras: [{ filePath: adapterPath }] } : {}) });
    for (let t = 0; t < logprobs.length; t++) {
      if (!s.lossMask[t + 1]) continue;
      total -= logprobs[t]!;
      count++;
    }
  }
  if (count === 0) throw new Error("no held-out answer tokens to measure the validation loss on");
  return total / count;
}
