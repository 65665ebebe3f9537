/**
 * What crosses the doors: plain JSON objects the renderer shows. The app maps its own types onto these, so the
 * renderer depends on nothing but this folder.
 */

/** English and Simplified Chinese texts of one message (the data report and recommender write both). */
export interface Localized {
  en: string;
  zh: string;
}

export const UI_LANGUAGES = ["en", "zh"] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];
export const DOMAINS = ["medical", "legal", "other"] as const;
export type Domain = (typeof DOMAINS)[number];

export interface AppInfo {
  version: string;
  /** The data folder: store, uploads, demo model, runs. */
  home: string;
  platform: string;
  /** Which door the renderer is talking through. */
  door: "electron" | "web";
  /** Native file dialogs exist (Electron); in a browser, files are uploaded instead. */
  canPickFiles: boolean;
}

export interface AppSettings {
  language: UiLanguage;
  theme: Theme;
  /** Shown as the rater of comparisons and the signer of reports. */
  raterName: string;
  /** Advanced mode shows every training parameter and more charts. */
  advanced: boolean;
}

export interface HardwareSummary {
  os: string;
  cpu: string;
  cores: number;
  ramTotalMb: number;
  ramAvailableMb: number;
  gpus: string[];
  /** The TensorFlow.js backend training will use, and why the better ones are not used. */
  trainingBackend: string;
  backendNotes: string[];
  /**
   * The device that trains: a GPU by name where a GPU backend loads (the recommender's test steps may still find the
   * CPU faster, which the Settings screen says), else the CPU with one line on why no GPU trains.
   */
  trainingDevice: { kind: "gpu" | "cpu"; name: string; why: Localized | null };
  /** llama.cpp's build for chat (cpu, cuda, metal, vulkan). */
  chatBackend: string;
}

export type RunStatus = "queued" | "running" | "paused" | "finished" | "failed" | "interrupted" | "cancelled";

export interface ProjectSummary {
  id: string;
  name: string;
  domain: Domain;
  language: UiLanguage;
  createdAt: string;
  updatedAt: string;
  /** The base model and dataset chosen in the wizard (null until chosen). */
  modelId: string | null;
  datasetId: string | null;
  latestRun: { id: string; status: RunStatus; step: number; totalSteps: number | null; updatedAt: string } | null;
  /** The project's status: its best finished run (lowest validation loss, then newest), whatever was tried after it. */
  bestRun: { id: string; bestValLoss: number | null; endedAt: string | null } | null;
}

export interface ModelInfo {
  id: string;
  path: string;
  name: string;
  architecture: string;
  /** Parameter count. */
  parameters: number;
  /** Main weight type, e.g. Q8_0, F16. */
  quantization: string;
  fileBytes: number;
  contextLength: number | null;
  trainable: boolean;
  /** Why not, when it cannot be trained here. */
  notTrainableReason: string | null;
}

export interface LocalModelCandidate {
  path: string;
  name: string;
  /** The app whose folder holds it. */
  source: "lm-studio" | "ollama" | "jan" | "downloads" | "app";
  bytes: number;
}

export interface CatalogEntry {
  id: string;
  name: string;
  family: "llama" | "qwen";
  parameters: string;
  quantization: string;
  /** Approximate until downloaded (the server's length is used once known). */
  bytes: number;
  /** null: no known hash, so the download cannot be verified (the UI says "unverified"). */
  sha256: string | null;
  url: string;
  license: string;
  /** Already downloaded (and checked): its path. */
  path: string | null;
}

export interface DownloadProgress {
  downloadId: string;
  catalogId: string;
  receivedBytes: number;
  totalBytes: number;
  status: "running" | "verifying" | "done" | "failed" | "cancelled";
  /** When failed: what happened and what to do (e.g. offline). */
  error: string | null;
  /** When done: the registered model. */
  modelId: string | null;
  /** When done: the file's sha256 (recorded with the model), to compare with the source's. */
  sha256?: string;
  /** When done: whether that hash matched a published one (else the file was only validated as GGUF). */
  verified?: boolean;
}

/** A file the user chose or uploaded, as the api knows it (paths outside those are refused). */
export interface FileRef {
  path: string;
  name: string;
  bytes: number;
}

/** Where an example came from: enough for every message to point at it. Lines, rows and pages count from 1. */
export interface SourceRef {
  file: string;
  /** Line in a JSONL, JSON, TXT or Markdown file. */
  line?: number;
  /** Data row in a CSV or XLSX file (the header row is row 1, so the first data row is row 2), and the sheet. */
  row?: number;
  sheet?: string;
  /** Page of a PDF. */
  page?: number;
  /** Chunk index (from 0) of a document split for training. */
  chunk?: number;
}

export interface ExamplePreview {
  id: string;
  kind: "chat" | "document";
  messages?: { role: "system" | "user" | "assistant"; content: string }[];
  text?: string;
  source: SourceRef;
  split?: "train" | "validation" | "excluded" | null;
  /** Set when the example is a question-answer pair drafted by a model from a document and accepted by a reviewer. */
  provenance?: DraftProvenance;
}

export interface Finding {
  code: string;
  severity: "error" | "warning" | "info";
  /** How many problems (not examples) of this kind. */
  count: number;
  /** Located samples; for problems met while reading files, every location with its own message. */
  samples: { exampleId?: string; location: SourceRef; note?: string; message?: Localized }[];
  message: Localized;
  fix?: Localized;
}

export interface QualityReportView {
  files: { file: string; fileType: string; formats: Record<string, number>; examples: number; errors: number; warnings: number }[];
  totals: { files: number; filesUnreadable: number; examples: number; chats: number; documents: number };
  tokens?: { counter: "model" | "estimate"; seqLen: number; histogram: { upTo: number | null; count: number }[]; mean: number; p95: number; max: number };
  languages: Record<string, number>;
  findings: Finding[];
  excluded: string[];
}

export const PII_KINDS = ["email", "phone", "id", "bank_card", "iban", "medical_record", "insurance", "dob", "address", "name"] as const;
export type PiiKind = (typeof PII_KINDS)[number];
/** keep: train on it as written; placeholder: replace with [EMAIL]...; pseudonym: a consistent fake value. */
export const REDACTION_MODES = ["keep", "placeholder", "pseudonym"] as const;
export type RedactionMode = (typeof REDACTION_MODES)[number];

export interface PiiSummary {
  kind: PiiKind;
  count: number;
  /** A few masked samples with where they are. */
  samples: { exampleId?: string; location: SourceRef; note?: string }[];
}

/** Which column holds what, for CSV and XLSX. Values are header names as they appear in the file. */
export interface ColumnMapping {
  question?: string;
  answer?: string;
  system?: string;
  context?: string;
}

/** What the data step shows before anything is stored. */
export interface DataPreview {
  files: FileRef[];
  /** The CSV/XLSX files with their header row and the column mapping used (guessed, or as given), for the mapping dialog. */
  tables: { file: string; headers: string[]; mapping: ColumnMapping }[];
  examples: ExamplePreview[];
  exampleCount: number;
  report: QualityReportView;
  pii: PiiSummary[];
  split: { train: number; validation: number };
}

export interface DatasetSummary {
  id: string;
  projectId: string;
  name: string;
  createdAt: string;
  exampleCount: number;
  counts: { train: number; validation: number; excluded: number };
  files: { name: string; examples: number; sha256: string | null }[];
  redaction: Partial<Record<PiiKind, RedactionMode>>;
  report: QualityReportView | null;
  /** How many examples were drafted by a model from documents (and reviewed), and by which models; null when none. */
  drafted: { examples: number; models: DraftModelRef[] } | null;
}

/** The training parameters a user can see and change (advanced mode shows all; simple mode none). */
export interface TrainSettings {
  rank: number;
  alpha: number;
  dropout: number;
  targets: string[];
  useRsLora: boolean;
  lr: number;
  schedule: "cosine" | "linear" | "constant";
  warmupRatio: number;
  weightDecay: number;
  maxGradNorm: number;
  batchSize: number;
  gradAccum: number;
  seqLen: number;
  epochs: number;
  maxSteps: number;
  evalEvery: number;
  earlyStopPatience: number;
  checkpointEvery: number;
  gradientCheckpointing: boolean;
  quantizedBase: boolean;
  seed: number;
  valSplit: number;
}

export const TRAINING_MODES = ["quick", "balanced", "thorough"] as const;
export type TrainingMode = (typeof TRAINING_MODES)[number];

export interface RecommendationView {
  mode: TrainingMode;
  settings: TrainSettings;
  /** One line per chosen value, in both languages. */
  reasons: { key: keyof TrainSettings | "backend"; value: string; reason: Localized }[];
  backend: string;
  /** The device that trains (GPU name or CPU), and where a GPU and the CPU were both timed, the decision in words. */
  device: { kind: "gpu" | "cpu"; name: string; decision: Localized | null };
  predicted: { peakMemoryMb: number; budgetMb: number; memoryLimit: string; secondsTotal: number | null; secondsPerEpoch: number | null; tokensPerSecond: number | null };
  totalSteps: number | null;
  trainExamples: number | null;
}

export interface MetricPoint {
  step: number;
  epoch: number | null;
  loss: number | null;
  valLoss: number | null;
  lr: number | null;
  gradNorm: number | null;
  tokensPerSecond: number | null;
  peakRssMb: number | null;
  /** Mean Frobenius norm of the adapters' B matrices at this step (advanced chart). */
  adapterNorm: number | null;
}

export interface RunView {
  id: string;
  projectId: string;
  modelId: string | null;
  datasetId: string | null;
  status: RunStatus;
  step: number;
  totalSteps: number | null;
  etaSeconds: number | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  settings: TrainSettings;
  backend: string | null;
  outDir: string;
  finishReason: "completed" | "early-stopped" | "cancelled" | null;
  bestValLoss: number | null;
  /** When failed or interrupted: what happened and what to try, and whether resume can continue it. */
  error: { code: string; message: string; hint: Localized | null; resumable: boolean } | null;
  /** Out-of-memory step-downs taken, with their reasons. */
  adjustments: { change: string; reason: string }[];
}

export interface RunDetail extends RunView {
  metrics: MetricPoint[];
}

export interface SamplingSettings {
  temperature: number;
  topP: number;
  maxTokens: number;
  seed: number;
}

export type RatingChoice = "a" | "b" | "tie" | "both-bad";

/** One prompt answered by base and tuned. In blind mode `aIs`/`bIs` stay null until the comparison is rated. */
export interface ComparisonView {
  id: string;
  projectId: string;
  runId: string | null;
  prompt: string;
  /** The expected answer, for validation examples. */
  reference: string | null;
  a: string;
  b: string;
  aIs: "base" | "tuned" | null;
  bIs: "base" | "tuned" | null;
  blind: boolean;
  rating: { choice: RatingChoice; note: string | null; rater: string } | null;
  createdAt: string;
}

export interface SavedPrompt {
  id: string;
  projectId: string;
  text: string;
  createdAt: string;
}

export const EXPORT_FORMATS = ["gguf", "gguf-f16", "gguf-q8_0", "peft", "ollama", "merged", "axolotl", "llama-factory", "bundle"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface CompatibilityRow {
  artifact: string;
  runtime: string;
  status: "yes" | "caveat" | "no";
  /** Why, for IT, in both languages. */
  reason: Localized;
}

export interface ExportedFileView {
  path: string;
  role: string;
  bytes: number;
  sha256: string;
  /** GGUF files llama.cpp runs: log-probability differences from the trained model on held-out tokens (nats). */
  parity?: { maxAbsLogprobDiff: number; meanAbsLogprobDiff: number; tokens: number; bound: number; pass: boolean };
}

export interface ExportSummary {
  runId: string;
  outDir: string;
  /** One entry per format asked for; a format that could not be written has no files and says why in error. */
  /** errorCode names a case the page explains in the user's words (export.errorCode.<code>). */
  /** notes: technical notes for IT in both languages (zh is the English text where no translation exists). */
  results: { format: ExportFormat; files: ExportedFileView[]; notes: Localized[]; error: string | null; errorCode?: string }[];
  compatibility: CompatibilityRow[];
}

// ---- Evaluation and sign-off (issue 9) ----

export interface GoldenQuestion {
  id: string;
  projectId: string;
  question: string;
  reference: string | null;
  createdAt: string;
}

export interface MetricPair {
  base: number | null;
  tuned: number | null;
}

export interface EvaluationView {
  id: string;
  runId: string;
  projectId: string;
  createdAt: string;
  status: "running" | "finished" | "failed";
  error: string | null;
  /** Held-out loss/perplexity, task metrics, forgetting, memorization, efficiency: base versus tuned. */
  metrics: Record<string, MetricPair>;
  warnings: Localized[];
  /** The worst examples by tuned F1, with both answers. */
  worst: { prompt: string; reference: string; base: string; tuned: string; f1Tuned: number }[];
  memorization: { probes: number; verbatim: number; personalDataReproduced: { example: string; span: string }[] };
  blind: BlindSummary | null;
  signOff: { name: string; date: string; comment: string } | null;
}

/** One blind pair as the rater sees it: no hint of which side is tuned until rated. */
export interface BlindPair {
  id: string;
  evaluationId: string;
  question: string;
  reference: string | null;
  left: string;
  right: string;
  /** Set only after rating: which side was tuned. */
  revealed: { tunedSide: "left" | "right"; choice: "left" | "right" | "tie"; comment: string | null } | null;
}

export interface BlindSummary {
  rated: number;
  tunedWins: number;
  baseWins: number;
  ties: number;
  /** Tuned win rate among decided pairs, with a 95% Wilson interval. */
  winRate: number | null;
  interval: [number, number] | null;
}

// ---- Drafting question-answer pairs from documents (issue 15) ----

/** The model that drafted a pair: its display name and the sha256 of its GGUF file. */
export interface DraftModelRef {
  name: string;
  sha256: string;
}

/**
 * Where a drafted pair came from: the document (its file name as the user added it), the page for a PDF, the
 * passage's character span [start, end) in the document's extracted text (pages joined by a blank line), and the
 * spans of the passage's sentences the answer relies on (same offsets; empty when none was found).
 */
export interface DraftSource {
  file: string;
  page?: number;
  start: number;
  end: number;
  evidence: { start: number; end: number }[];
}

/** The checks every draft gets; `passed` is true when none of them flags it. */
export interface DraftChecks {
  /** The answer's content words are found in the passage (share at or above the threshold). */
  supported: boolean;
  /** The question repeats (or nearly) an earlier draft's question of the same job. */
  duplicate: boolean;
  length: "ok" | "too-short" | "too-long";
  /** "differs": the pair is not in the passage's language (English or Chinese). */
  language: "ok" | "differs";
  /** Kinds of personal data found in the question or answer (the existing scanner); empty when none. */
  personalData: PiiKind[];
  passed: boolean;
}

export const DRAFT_STATUSES = ["pending", "accepted", "edited", "rejected"] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

/** One drafted question-answer pair as the review table shows it. */
export interface DraftView {
  id: string;
  jobId: string;
  /** Index of the passage in the job (documents in order, passages in order). */
  passage: number;
  question: string;
  answer: string;
  /** The model's own words, kept when the reviewer edited the pair. */
  drafted: { question: string; answer: string } | null;
  status: DraftStatus;
  source: DraftSource;
  /** The passage's text (source.start..source.end of the document), for the side-by-side view and highlighting. */
  passageText: string;
  checks: DraftChecks;
}

export const DRAFT_JOB_STATUSES = ["running", "paused", "interrupted", "finished", "cancelled", "failed"] as const;
export type DraftJobStatus = (typeof DRAFT_JOB_STATUSES)[number];

/** A problem with one document (or one page or passage of it); the rest is drafted. */
export interface DraftProblem {
  file: string;
  page?: number;
  code: string;
  message: Localized;
}

/** A drafting job: documents, the drafting model, progress and review counts. */
export interface DraftJobView {
  id: string;
  projectId: string;
  status: DraftJobStatus;
  model: DraftModelRef;
  /** Pairs asked for per passage. */
  pairs: number;
  files: { name: string; passages: number }[];
  passagesDone: number;
  passagesTotal: number;
  /** Estimated from the passages done so far; null before the first one. */
  secondsLeft: number | null;
  counts: Record<DraftStatus, number> & { total: number; passedChecks: number };
  problems: DraftProblem[];
  /** Why the job failed, when it did. */
  error: Localized | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * How a training example drafted by a model and accepted by a reviewer traces back (kept with the example, shown in
 * the data card and the report).
 */
export interface DraftProvenance {
  source: DraftSource;
  model: DraftModelRef;
  /** "unreviewed": imported from a drafts file with --include-unreviewed (the CLI), no person reviewed it. */
  review: "accepted" | "edited" | "unreviewed";
}
