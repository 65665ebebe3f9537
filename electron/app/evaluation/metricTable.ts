import type { EvalReport, MetricPair } from "./EvalReport";
import type { Side } from "./LlamaEvaluator";
import type { Nll } from "./measureLoss";
import { meanScores, scoreAnswer } from "./scoreAnswer";

/** Display names of the metric keys, in the order the report lists them. */
export const METRIC_LABELS: Record<string, string> = {
  "heldOut.loss": "Held-out loss (nats/token)",
  "heldOut.perplexity": "Held-out perplexity",
  "task.exactMatch": "Exact match",
  "task.f1": "Token F1",
  "task.rougeL": "ROUGE-L F",
  "task.bleu": "BLEU-4",
  "golden.exactMatch": "Golden: exact match",
  "golden.f1": "Golden: token F1",
  "golden.rougeL": "Golden: ROUGE-L F",
  "golden.bleu": "Golden: BLEU-4",
  "memorization.verbatimRate": "Verbatim continuation rate",
  "efficiency.latencyMs": "Latency per answer (ms)",
  "efficiency.tokensPerSecond": "Tokens per second",
  "efficiency.peakRssMb": "Peak process RSS (MB)",
};

/** A label for any metric key (general perplexity keys carry their language). */
export function metricLabel(key: string): string {
  if (key.startsWith("general.perplexity.")) return `General-text perplexity (${key.slice("general.perplexity.".length)})`;
  return METRIC_LABELS[key] ?? key;
}

/** Lower is better for these; higher for the rest. */
export function lowerIsBetter(key: string): boolean {
  return key.startsWith("heldOut.") || key.startsWith("general.") || key === "memorization.verbatimRate" || key === "efficiency.latencyMs" || key === "efficiency.peakRssMb";
}

/** The flat base-versus-tuned table every view shows (eval.json, the app, the report). */
export function metricTable(r: EvalReport, held: Record<Side, Nll>): Record<string, MetricPair> {
  const m: Record<string, MetricPair> = {};
  if (held.base.tokens && held.tuned.tokens) {
    const loss = { base: held.base.nll / held.base.tokens, tuned: held.tuned.nll / held.tuned.tokens };
    m["heldOut.loss"] = loss;
    m["heldOut.perplexity"] = { base: Math.exp(loss.base), tuned: Math.exp(loss.tuned) };
  }
  if (r.task.examples.length) {
    const base = meanScores(r.task.examples.map((e) => e.base));
    const tuned = meanScores(r.task.examples.map((e) => e.tuned));
    for (const k of ["exactMatch", "f1", "rougeL", "bleu"] as const) m[`task.${k}`] = { base: base[k], tuned: tuned[k] };
  }
  const withRef = r.golden.filter((g) => g.reference !== null);
  if (withRef.length) {
    const base = meanScores(withRef.map((g) => scoreAnswer(g.base, g.reference!)));
    const tuned = meanScores(withRef.map((g) => scoreAnswer(g.tuned, g.reference!)));
    for (const k of ["exactMatch", "f1", "rougeL", "bleu"] as const) m[`golden.${k}`] = { base: base[k], tuned: tuned[k] };
  }
  for (const g of r.general) m[`general.perplexity.${g.language}`] = { base: g.base, tuned: g.tuned };
  const probes = r.memorization.probes.length;
  if (probes) m["memorization.verbatimRate"] = { base: r.memorization.verbatimBase / probes, tuned: r.memorization.verbatimTuned / probes };
  const e = r.efficiency;
  m["efficiency.latencyMs"] = { base: e.base.meanLatencyMs, tuned: e.tuned.meanLatencyMs };
  m["efficiency.tokensPerSecond"] = { base: e.base.tokensPerSecond, tuned: e.tuned.tokensPerSecond };
  m["efficiency.peakRssMb"] = { base: e.base.peakRssMb, tuned: e.tuned.peakRssMb };
  return m;
}
