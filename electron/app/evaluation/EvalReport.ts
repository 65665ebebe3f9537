import type { Localized } from "../data/types";
import type { EvalSettings } from "./EvalSettings";

export interface MetricPair {
  base: number | null;
  tuned: number | null;
}

export interface AnswerScores {
  text: string;
  exactMatch: number;
  f1: number;
  rougeL: number;
  bleu: number;
}

/** One question answered by both sides, scored against its reference. */
export interface ScoredExample {
  exampleId: string;
  question: string;
  reference: string;
  base: AnswerScores;
  tuned: AnswerScores;
}

export interface GoldenAnswer {
  question: string;
  reference: string | null;
  base: string;
  tuned: string;
  /** Tuned and base F1 against the reference, where there is one. */
  f1: MetricPair | null;
}

export interface MemorizationProbe {
  exampleId: string;
  prefix: string;
  continuation: string;
  base: string;
  tuned: string;
  /** Tokens compared (N, or fewer where the example ends sooner). */
  compared: number;
  verbatimBase: boolean;
  verbatimTuned: boolean;
}

export interface PersonalDataHit {
  /** The prompt or question whose tuned answer holds the span. */
  example: string;
  span: string;
  kind: string;
  /** "training-text": the span is in the data as trained; "redacted-original": it was redacted before training. */
  origin: "training-text" | "redacted-original";
}

export interface SideEfficiency {
  answers: number;
  meanLatencyMs: number | null;
  tokensPerSecond: number | null;
  peakRssMb: number;
}

/** DIR/eval.json: every metric of one evaluation of a run, base versus tuned. */
export interface EvalReport {
  version: 1;
  createdAt: string;
  runDir: string;
  model: { path: string; sha256: string };
  adapter: { path: string; sha256: string };
  settings: EvalSettings;
  /** Flat metric table: "heldOut.loss", "task.f1", "general.perplexity.en", "efficiency.latencyMs"... */
  metrics: Record<string, MetricPair>;
  heldOut: { examples: number; tokens: number } | null;
  task: { source: "validation" | "train" | "none"; examples: ScoredExample[] };
  general: { language: string; tokens: number; base: number; tuned: number; change: number }[];
  memorization: { probes: MemorizationProbe[]; verbatimBase: number; verbatimTuned: number; personalDataReproduced: PersonalDataHit[]; trainingSpans: number };
  efficiency: { base: SideEfficiency; tuned: SideEfficiency };
  golden: GoldenAnswer[];
  worst: ScoredExample[];
  warnings: Localized[];
  seconds: number;
}
