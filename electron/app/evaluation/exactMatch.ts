import { metricTokens } from "./metricTokens";

/**
 * Exact match (SQuAD v1.1, Rajpurkar et al. 2016): 1 when the normalized prediction equals the normalized
 * reference, else 0. Compared on tokens, so spaces between CJK characters do not matter.
 */
export function exactMatch(prediction: string, reference: string): number {
  const p = metricTokens(prediction);
  const r = metricTokens(reference);
  return p.length === r.length && p.every((t, i) => t === r[i]) ? 1 : 0;
}
