/**
 * A tokenizer-free estimate of a text's token count, used where no model is chosen yet: about one token per
 * Chinese/Japanese/Korean character and one per four other characters (typical for Llama- and Qwen-family BPE).
 * Reports say when a count is estimated.
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x3040 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xffef)) cjk++;
    else other++;
  }
  return cjk + Math.ceil(other / 4);
}

export type CountTokens = (text: string) => number;
