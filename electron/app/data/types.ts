// The shapes the renderer shows too are defined once, in the contract.
import type { ColumnMapping, DraftProvenance, Localized, SourceRef } from "../../contract/dto";
export type { ColumnMapping, DraftProvenance, Localized, SourceRef };

export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

/** One normalized training example: a chat (trains on every assistant turn) or a document chunk (trains on all tokens). */
export interface Example {
  /** Stable and unique within an import: "<file name>:L12", ":R3", ":p2c1"... */
  id: string;
  kind: "chat" | "document";
  messages?: ChatMessage[];
  text?: string;
  /** Chunks of one document share a group; the split keeps a group on one side. */
  group?: string;
  source: SourceRef;
  /** A question-answer pair drafted by a model from a document (a drafts JSONL line): its source, model and review. */
  provenance?: DraftProvenance;
}

export type Severity = "error" | "warning" | "info";

/** One problem with one file, at one place in it. */
export interface FileProblem {
  code: string;
  severity: Severity;
  location: SourceRef;
  message: Localized;
}

export const DATA_FORMATS = ["alpaca", "chat", "sharegpt", "prompt-completion", "text", "table", "document", "drafts"] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];


export interface FileImportResult {
  /** The name used in every location (the file name; made unique when two inputs share one). */
  file: string;
  /** The path it was read from. */
  path: string;
  /** What the file is: "jsonl", "csv", "pdf"... or "unknown" where it could not be read. */
  fileType: string;
  /** Record formats found, with counts (a JSONL file may mix them; that is reported). */
  formats: Partial<Record<DataFormat, number>>;
  examples: Example[];
  problems: FileProblem[];
  /** The column mapping used, for tables. */
  columns?: ColumnMapping;
  /** The header row, for tables (what a mapping may name). */
  headers?: string[];
  /** sha256 of the file's bytes. */
  sha256?: string;
  bytes?: number;
}

/** The formatted item the trainer consumes (one per example). */
export interface TrainingItem {
  tokens: number[];
  /** 1 on completion tokens (assistant turns incl. the end-of-turn token), 0 elsewhere; all 1 for documents. */
  lossMask: number[];
  exampleId: string;
  source: SourceRef;
  /** Tokens cut from the end to fit the sequence length (0 when none). */
  truncated?: number;
}

/** Progress of a long data operation; callers get it at most ~10 times a second. */
export interface DataProgress {
  phase: "import" | "scan" | "format" | "write";
  file?: string;
  done: number;
  total?: number;
  /** Records read so far in the current file. */
  records?: number;
}

export interface LongOperation {
  signal?: AbortSignal;
  onProgress?: (p: DataProgress) => void;
}

/** The location in the Chinese messages: "faq.jsonl，第 12 行", "faq.csv，第 3 行（表格）", "guide.pdf，第 2 页". */
export function formatLocationZh(s: SourceRef): string {
  const parts = [s.file];
  if (s.sheet) parts.push(`工作表 ${s.sheet}`);
  if (s.line !== undefined) parts.push(`第 ${s.line} 行`);
  if (s.row !== undefined) parts.push(`第 ${s.row} 行（表格）`);
  if (s.page !== undefined) parts.push(`第 ${s.page} 页`);
  if (s.chunk !== undefined) parts.push(`第 ${s.chunk + 1} 段`);
  return parts.join("，");
}

/** "notes.jsonl:L12", "faq.csv:R3", "guide.pdf p.2" for messages. */
export function formatLocation(s: SourceRef): string {
  const parts = [s.file];
  if (s.sheet) parts.push(`sheet ${s.sheet}`);
  if (s.line !== undefined) parts.push(`line ${s.line}`);
  if (s.row !== undefined) parts.push(`row ${s.row}`);
  if (s.page !== undefined) parts.push(`page ${s.page}`);
  if (s.chunk !== undefined) parts.push(`chunk ${s.chunk + 1}`);
  return parts.join(", ");
}
