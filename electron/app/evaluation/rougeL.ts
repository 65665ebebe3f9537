import { metricTokens } from "./metricTokens";

/** Length of the longest common subsequence of two token lists (dynamic programming, two rows). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}

/**
 * ROUGE-L F-measure of one prediction against one reference (Lin 2004, "ROUGE: A Package for Automatic Evaluation
 * of Summaries", section 3.1): R = LCS/m, P = LCS/n (m reference tokens, n prediction tokens),
 * F = (1 + β²)RP / (R + β²P). Note: β = 1 (the harmonic mean of P and R), as Google's rouge-score package computes
 * it; Lin's own script weights recall heavily (β = P/R), which makes long rambling answers look better.
 * Tokens are the normalized metric tokens (CJK characters single), so it works for Chinese too.
 */
export function rougeL(prediction: string, reference: string): number {
  const p = metricTokens(prediction);
  const r = metricTokens(reference);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const lcs = lcsLength(p, r);
  if (lcs === 0) return 0;
  const recall = lcs / r.length;
  const precision = lcs / p.length;
  return (2 * recall * precision) / (recall + precision);
}
