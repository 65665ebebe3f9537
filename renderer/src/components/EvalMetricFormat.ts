/**
 * How the Evaluate step shows the evaluation's `metrics` map (base versus tuned): which plain-language text
 * describes a key, how its value is written, which direction is better and what changed. Pure, so tested.
 */
import type { Lang } from "../format";

export type MetricUnit = "loss" | "perplexity" | "share" | "ms" | "perSecond" | "mb" | "number";

export interface MetricInfo {
  /** The i18n group under evaluate.metric (label and help). */
  id: string;
  unit: MetricUnit;
  lowerIsBetter: boolean;
  /** For general-text perplexity: the text's language (en, zh, ...). */
  language?: string;
}

const KNOWN: Record<string, Omit<MetricInfo, "language">> = {
  "heldOut.loss": { id: "heldOutLoss", unit: "loss", lowerIsBetter: true },
  "heldOut.perplexity": { id: "heldOutPerplexity", unit: "perplexity", lowerIsBetter: true },
  "task.exactMatch": { id: "taskExactMatch", unit: "share", lowerIsBetter: false },
  "task.f1": { id: "taskF1", unit: "share", lowerIsBetter: false },
  "task.rougeL": { id: "taskRougeL", unit: "share", lowerIsBetter: false },
  "task.bleu": { id: "taskBleu", unit: "share", lowerIsBetter: false },
  "golden.exactMatch": { id: "goldenExactMatch", unit: "share", lowerIsBetter: false },
  "golden.f1": { id: "goldenF1", unit: "share", lowerIsBetter: false },
  "golden.rougeL": { id: "goldenRougeL", unit: "share", lowerIsBetter: false },
  "golden.bleu": { id: "goldenBleu", unit: "share", lowerIsBetter: false },
  "memorization.verbatimRate": { id: "verbatimRate", unit: "share", lowerIsBetter: true },
  "efficiency.latencyMs": { id: "latency", unit: "ms", lowerIsBetter: true },
  "efficiency.tokensPerSecond": { id: "tokensPerSecond", unit: "perSecond", lowerIsBetter: false },
  "efficiency.peakRssMb": { id: "memory", unit: "mb", lowerIsBetter: true },
};

/** The report's order; general-text perplexity after the golden scores, unknown keys last (alphabetically). */
const ORDER = [
  "heldOut.loss",
  "heldOut.perplexity",
  "task.exactMatch",
  "task.f1",
  "task.rougeL",
  "task.bleu",
  "golden.exactMatch",
  "golden.f1",
  "golden.rougeL",
  "golden.bleu",
  "general.perplexity.",
  "memorization.verbatimRate",
  "efficiency.latencyMs",
  "efficiency.tokensPerSecond",
  "efficiency.peakRssMb",
];

/** What a metric key means for display; null for a key this version does not know (shown by its name). */
export function metricInfo(key: string): MetricInfo | null {
  if (key.startsWith("general.perplexity.")) return { id: "generalPerplexity", unit: "perplexity", lowerIsBetter: true, language: key.slice("general.perplexity.".length) };
  return KNOWN[key] ?? null;
}

export function sortMetricKeys(keys: string[]): string[] {
  const rank = (k: string) => {
    const i = ORDER.findIndex((o) => (o.endsWith(".") ? k.startsWith(o) : k === o));
    return i < 0 ? ORDER.length : i;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const locale = (lang: Lang) => (lang === "zh" ? "zh-CN" : "en-US");
const num = (v: number, lang: Lang, digits: number) => v.toLocaleString(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** One value in the metric's unit: 0.412 → "41.2%", 812.3 → "812 ms", 1530 → "1.5 GB". */
export function formatMetricValue(key: string, value: number | null | undefined, lang: Lang = "en"): string {
  if (value == null || !Number.isFinite(value)) return "—";
  const unit = metricInfo(key)?.unit ?? "number";
  switch (unit) {
    case "share":
      return `${num(value * 100, lang, 1)}%`;
    case "loss":
      return num(value, lang, 3);
    case "perplexity":
      return num(value, lang, value < 100 ? 2 : 0);
    case "ms":
      return value >= 10_000 ? `${num(value / 1000, lang, 1)} s` : `${num(value, lang, 0)} ms`;
    case "perSecond":
      return `${num(value, lang, 1)} ${lang === "zh" ? "词元/秒" : "tokens/s"}`;
    case "mb":
      return value >= 1024 ? `${num(value / 1024, lang, 2)} GB` : `${num(value, lang, 0)} MB`;
    default:
      return num(value, lang, Math.abs(value) < 10 ? 3 : 1);
  }
}

export type Verdict = "better" | "worse" | "same" | "unknown";

export interface MetricChange {
  verdict: Verdict;
  /** The change written for people: "+4.0 pts" for shares, "−12.5%" (relative) for the rest; "—" when unknown. */
  text: string;
}

/**
 * Changes smaller than these are "no change": half a percentage point for shares, 0.01 nats for loss and
 * perplexity (so that the two always agree), 1% relative otherwise.
 */
const SAME_POINTS = 0.005;
const SAME_NATS = 0.01;
const SAME_RELATIVE = 0.01;

const signed = (v: number, lang: Lang, digits: number) => `${v > 0 ? "+" : v < 0 ? "−" : "±"}${num(Math.abs(v), lang, digits)}`;

/** What changed from base to tuned and whether that is better, given the metric's direction. */
export function metricChange(key: string, base: number | null | undefined, tuned: number | null | undefined, lang: Lang = "en"): MetricChange {
  if (base == null || tuned == null || !Number.isFinite(base) || !Number.isFinite(tuned)) return { verdict: "unknown", text: "—" };
  const info = metricInfo(key);
  const lower = info?.lowerIsBetter ?? false;
  const diff = tuned - base;
  let text: string;
  let same: boolean;
  if (info?.unit === "share") {
    text = `${signed(diff * 100, lang, 1)} ${lang === "zh" ? "个百分点" : "pts"}`;
    same = Math.abs(diff) < SAME_POINTS;
  } else if (info?.unit === "loss") {
    text = base !== 0 ? `${signed((diff / Math.abs(base)) * 100, lang, 1)}%` : signed(diff, lang, 3);
    same = Math.abs(diff) < SAME_NATS;
  } else if (info?.unit === "perplexity" && base > 0 && tuned > 0) {
    text = `${signed((diff / base) * 100, lang, 1)}%`;
    same = Math.abs(Math.log(tuned / base)) < SAME_NATS;
  } else if (base !== 0) {
    const rel = diff / Math.abs(base);
    text = `${signed(rel * 100, lang, 1)}%`;
    same = Math.abs(rel) < SAME_RELATIVE;
  } else {
    text = signed(diff, lang, 3);
    same = diff === 0;
  }
  if (!info) return { verdict: same ? "same" : "unknown", text };
  if (same) return { verdict: "same", text };
  return { verdict: (diff < 0) === lower ? "better" : "worse", text };
}
