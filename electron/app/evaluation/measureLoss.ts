import type { LlamaEvaluator, Side } from "./LlamaEvaluator";

/** Summed negative log-likelihood and the tokens it counts. */
export interface Nll {
  nll: number;
  tokens: number;
}

/** NLL of the positions where mask[t] is 1 (t >= 1: the first token has nothing to be predicted from). */
export async function maskedNll(ev: LlamaEvaluator, side: Side, tokens: readonly number[], mask: readonly number[]): Promise<Nll> {
  if (tokens.length < 2 || !mask.slice(1).includes(1)) return { nll: 0, tokens: 0 };
  return sumMaskedNll(await ev.score(side, tokens), mask);
}

/** The NLL of a scored sequence (`logprobs[t]` = log p(token t+1)) over the tokens whose mask is 1. */
export function sumMaskedNll(logprobs: readonly number[], mask: readonly number[]): Nll {
  let nll = 0;
  let count = 0;
  for (let t = 0; t < logprobs.length; t++) {
    if (mask[t + 1] !== 1) continue;
    nll -= logprobs[t]!;
    count++;
  }
  return { nll, tokens: count };
}

/**
 * A text cut into scoring windows of at most `window` tokens, each starting with the BOS token where the model uses
 * one (so every window is scored the way a document starts), every token after it counted once.
 */
export function textWindows(ev: LlamaEvaluator, text: string, window: number): { tokens: number[]; mask: number[] }[] {
  const all = ev.documentTokens(text);
  const bos = all.length && ev.documentTokens("").length === 1 ? [all[0]!] : [];
  const body = all.slice(bos.length);
  const size = Math.max(1, window - bos.length);
  const out: { tokens: number[]; mask: number[] }[] = [];
  for (let i = 0; i < body.length; i += size) {
    const piece = body.slice(i, i + size);
    // Without BOS the first token of a window has no context: it is not scored (mask 0).
    const tokens = [...bos, ...piece];
    out.push({ tokens, mask: tokens.map((_, j) => (j === 0 ? 0 : 1)) });
  }
  return out;
}
