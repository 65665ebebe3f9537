import { resolve } from "node:path";
import { ChatFormatter } from "./ChatFormatter";
import { estimateTokens } from "./estimateTokens";
import { exampleText } from "./exampleText";
import { findNearDuplicates } from "./findNearDuplicates";
import { DEFAULT_SEQ_LEN, importFiles, type ImportOptions } from "./importFiles";
import { qualityReport, type QualityReport } from "./qualityReport";
import { scanPii } from "./redactPii";
import { DEFAULT_SPLIT, splitDataset, type SplitResult, type SplitSettings } from "./splitDataset";
import type { Example, FileImportResult, LongOperation } from "./types";

export interface InspectOptions extends LongOperation {
  /** Base model (GGUF): token counts under its tokenizer and chat template; without one, counts are estimated. */
  modelPath?: string;
  seqLen?: number;
  columns?: ImportOptions["columns"];
  overlapTokens?: number;
  split?: Partial<SplitSettings>;
  /** Files (among the paths) that ARE the validation side, split beforehand (the app's stored split); no re-split. */
  validationPaths?: string[];
  /** Drafts files: import pending drafts too (ImportOptions.includeUnreviewed). */
  includeUnreviewed?: boolean;
}

export interface Inspection {
  files: FileImportResult[];
  examples: Example[];
  report: QualityReport;
  split: SplitResult;
  /** The formatter, when a model was given; the caller disposes it. */
  formatter?: ChatFormatter;
}

/** Tokens that a chat template adds around each turn, for estimates without a model. */
const TEMPLATE_TOKENS_PER_TURN = 5;

/**
 * Imports files and builds the quality report (with the personal-data scan and the split check). With a model,
 * lengths are measured as training will see them: rendered with its chat template, tokenized by its tokenizer.
 */
export async function inspectData(paths: string[], options: InspectOptions = {}): Promise<Inspection> {
  const seqLen = options.seqLen ?? DEFAULT_SEQ_LEN;
  const formatter = options.modelPath ? await ChatFormatter.load(options.modelPath) : undefined;
  try {
    const files = await importFiles(paths, { seqLen, columns: options.columns, overlapTokens: options.overlapTokens, countTokens: formatter?.countTokens, signal: options.signal, onProgress: options.onProgress, ...(options.includeUnreviewed ? { includeUnreviewed: true } : {}) });
    const examples = files.flatMap((f) => f.examples);
    options.onProgress?.({ phase: "scan", done: 0, total: examples.length });
    const tokenCounts = examples.map((e) => {
      if (formatter) return formatter.render(e).tokens.length;
      return estimateTokens(exampleText(e)) + (e.kind === "chat" ? TEMPLATE_TOKENS_PER_TURN * (e.messages?.length ?? 0) + 1 : 1);
    });
    const nearPairs = findNearDuplicates(examples);
    const split = options.validationPaths ? givenSplit(examples, files, options.validationPaths, options.split) : splitDataset(examples, options.split, nearPairs);
    const pii = scanPii(examples);
    const report = qualityReport(files, {
      seqLen,
      tokenCounts,
      tokenCounter: formatter ? "model" : "estimate",
      split,
      nearPairs,
      extraFindings: pii.finding ? [pii.finding] : [],
    });
    options.onProgress?.({ phase: "scan", done: examples.length, total: examples.length });
    return { files, examples, report, split, ...(formatter ? { formatter } : {}) };
  } catch (e) {
    await formatter?.dispose();
    throw e;
  }
}

/** The split the caller made: examples read from the validation files on one side, all others on the other. */
export function givenSplit(examples: Example[], files: FileImportResult[], validationPaths: string[], settings: Partial<SplitSettings> = {}): SplitResult {
  const validationPathSet = new Set(validationPaths.map((p) => resolve(p)));
  const validationFiles = new Set(files.filter((f) => validationPathSet.has(resolve(f.path))).map((f) => f.file));
  return {
    train: examples.filter((e) => !validationFiles.has(e.source.file)),
    validation: examples.filter((e) => validationFiles.has(e.source.file)),
    settings: { ...DEFAULT_SPLIT, ...settings },
    groups: 0,
  };
}
