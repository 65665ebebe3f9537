import { scoreWithLlamaCpp } from "../../engine/inference/scoreWithLlamaCpp";
import type { TrainingSequence } from "../../engine/training/makeBatch";
import { sumMaskedNll } from "../evaluation/measureLoss";

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
    const { nll, tokens } = sumMaskedNll(logprobs, s.lossMask);
    total += nll;
    count += tokens;
  }
  if (count === 0) throw new Error("no held-out answer tokens to measure the validation loss on");
  return total / count;
}
