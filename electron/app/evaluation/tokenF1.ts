import { metricTokens } from "./metricTokens";

/**
 * Token-level F1 (SQuAD v1.1 `f1_score`): the overlap of the two bags of normalized tokens, counted with
 * multiplicity; precision = overlap / prediction tokens, recall = overlap / reference tokens, F1 their harmonic
 * mean. When either side has no tokens, F1 is 1 if both are empty and 0 otherwise, as in the SQuAD script.
 */
export function tokenF1(prediction: string, reference: string): number {
  const p = metricTokens(prediction);
  const r = metricTokens(reference);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      same++;
      counts.set(t, n - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / r.length;
  return (2 * precision * recall) / (precision + recall);
}
