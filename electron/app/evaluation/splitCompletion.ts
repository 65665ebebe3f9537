import type { TrainingItem } from "../data/types";

/** An item cut where its last trained answer starts: the prompt before it and the answer's tokens. */
export interface PromptAndAnswer {
  prompt: number[];
  /** The answer's tokens without the end-of-turn token that closes it. */
  answer: number[];
}

/**
 * The last assistant turn of a chat item (the last run of loss-mask 1s): what the model saw before it, and what it
 * learned to say. Document items (all tokens in the loss) have no prompt: null. Note: the last turn, because a
 * multi-turn chat's earlier answers are part of the context the model is given for it.
 */
export function splitCompletion(item: TrainingItem, stop: ReadonlySet<number>): PromptAndAnswer | null {
  const mask = item.lossMask;
  let end = mask.length;
  while (end > 0 && mask[end - 1] !== 1) end--;
  let start = end;
  while (start > 0 && mask[start - 1] === 1) start--;
  if (end === 0 || start === 0) return null;
  let answerEnd = end;
  while (answerEnd > start && stop.has(item.tokens[answerEnd - 1]!)) answerEnd--;
  if (answerEnd === start) return null;
  return { prompt: item.tokens.slice(0, start), answer: item.tokens.slice(start, answerEnd) };
}
