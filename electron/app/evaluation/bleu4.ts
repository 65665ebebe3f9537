import { metricTokens } from "./metricTokens";

/** Chen & Cherry (2014) smoothing method 1's epsilon: a zero n-gram count becomes 0.1 (NLTK's default too). */
export const BLEU_EPSILON = 0.1;

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join("\u0000");
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/**
 * Sentence BLEU-4 of a prediction against one reference (Papineni et al. 2002, "BLEU: a Method for Automatic
 * Evaluation of Machine Translation"): the geometric mean of the modified (clipped) n-gram precisions p1..p4 with
 * uniform weights 1/4, times the brevity penalty BP = 1 if c > r else exp(1 - r/c) (c prediction tokens, r
 * reference tokens). Note: one short answer often has no matching 4-gram, which makes unsmoothed BLEU 0; we use
 * Chen & Cherry (2014) "A Systematic Comparison of Smoothing Techniques for Sentence-Level BLEU", method 1: a
 * precision whose match count is 0 becomes epsilon / (its n-gram count), epsilon = 0.1, the count taken as at
 * least 1 as in NLTK's sentence_bleu. An empty prediction scores 0 (an empty reference and prediction score 1).
 */
export function bleu4(prediction: string, reference: string): number {
  const c = metricTokens(prediction);
  const r = metricTokens(reference);
  if (c.length === 0 || r.length === 0) return c.length === r.length ? 1 : 0;
  let logSum = 0;
  for (let n = 1; n <= 4; n++) {
    const cand = ngrams(c, n);
    const ref = ngrams(r, n);
    let matched = 0;
    let total = 0;
    for (const [gram, count] of cand) {
      matched += Math.min(count, ref.get(gram) ?? 0);
      total += count;
    }
    const precision = matched > 0 ? matched / total : BLEU_EPSILON / Math.max(1, total);
    logSum += Math.log(precision) / 4;
  }
  const bp = c.length > r.length ? 1 : Math.exp(1 - r.length / c.length);
  return bp * Math.exp(logSum);
}
