import { basename, extname } from "node:path";
import { stat } from "node:fs/promises";
import { sha256File } from "../../engine/util/sha256File";
import { describeSniffed, describeSniffedZh, sniffFile, type SniffedType } from "./sniffFile";
import { importJsonl } from "./importJsonl";
import { importJson } from "./importJson";
import { importCsv } from "./importCsv";
import { importXlsx } from "./importXlsx";
import { importDocument } from "./importDocument";
import { problem } from "./messages";
import { throttle } from "./throttle";
import type { CountTokens } from "./estimateTokens";
import type { ColumnMapping, DataFormat, FileImportResult, LongOperation } from "./types";

export interface ImportOptions extends LongOperation {
  /** Sequence length for document chunks, in tokens. Default 1024. */
  seqLen?: number;
  /** Overlap between document chunks, in tokens. Default seqLen / 8. */
  overlapTokens?: number;
  /** The base model's token counter (documents are chunked by it); default: an estimate. */
  countTokens?: CountTokens;
  /** Column mapping per file name (or "*" for all tables), overriding the guess from headers. */
  columns?: Record<string, ColumnMapping>;
  /** Drafts files: import pending drafts too (rejected ones never); default accepted and edited only. */
  includeUnreviewed?: boolean;
}

export const DEFAULT_SEQ_LEN = 1024;

type FileType = "jsonl" | "json" | "csv" | "tsv" | "xlsx" | "txt" | "pdf" | "docx";

const EXTENSIONS: Record<string, FileType> = {
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".json": "json",
  ".csv": "csv",
  ".tsv": "tsv",
  ".xlsx": "xlsx",
  ".txt": "txt",
  ".md": "txt",
  ".markdown": "txt",
  ".pdf": "pdf",
  ".docx": "docx",
};

/** What the content must sniff as for each file type. */
const EXPECTED: Record<FileType, SniffedType> = { jsonl: "text", json: "text", csv: "text", tsv: "text", xlsx: "xlsx", txt: "text", pdf: "pdf", docx: "docx" };

/**
 * Imports files of any supported type. Every file gets a result: its examples and its problems, each located;
 * a file that cannot be read at all gets one problem saying why and what to do, and the other files still import.
 */
export async function importFiles(paths: string[], options: ImportOptions = {}): Promise<FileImportResult[]> {
  const names = uniqueNames(paths);
  const results: FileImportResult[] = [];
  const progress = throttle(options.onProgress);
  for (let i = 0; i < paths.length; i++) {
    options.signal?.throwIfAborted();
    progress.call({ phase: "import", file: names[i], done: i, total: paths.length });
    results.push(await importFile(paths[i]!, names[i]!, options, (n) => progress.call({ phase: "import", file: names[i], done: i, total: paths.length, records: n })));
  }
  progress.call({ phase: "import", done: paths.length, total: paths.length });
  progress.flush();
  return results;
}

/** Imports one file, `name` being how locations name it. */
export async function importFile(path: string, name = basename(path), options: ImportOptions = {}, onRecord?: (n: number) => void): Promise<FileImportResult> {
  const ext = extname(path).toLowerCase();
  const type = EXTENSIONS[ext];
  const result: FileImportResult = { file: name, path, fileType: type ?? (ext.slice(1) || "unknown"), formats: {}, examples: [], problems: [] };
  const at = { file: name };
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error("not a regular file"), { code: "EISDIR" });
  } catch (e) {
    result.problems.push(problem("FILE_NOT_FOUND", at, { detail: (e as { code?: string }).code ?? String(e) }));
    return result;
  }
  if (!type) {
    result.problems.push(problem("UNSUPPORTED_EXTENSION", at, { ext: ext || "(none)" }));
    return result;
  }
  const sniffed = await sniffFile(path);
  result.bytes = sniffed.bytes;
  result.sha256 = await sha256File(path);
  const expected = EXPECTED[type];
  if (sniffed.type === "empty") {
    result.problems.push(problem("FILE_EMPTY", at));
    return result;
  }
  if (sniffed.type !== expected) {
    if (sniffed.type === "ole" && (type === "docx" || type === "xlsx")) result.problems.push(problem("ENCRYPTED", at, { kind: type.toUpperCase() }));
    else if (expected === "text" && (sniffed.type === "binary" || sniffed.type === "utf16")) {
      result.problems.push(
        sniffed.type === "utf16"
          ? problem("READ_FAILED", at, { detail: "the text is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8) and import again" })
          : problem("FILE_BINARY", at, { expected: type.toUpperCase() }),
      );
    } else if (expected === "docx" && sniffed.type === "zip") result.problems.push(problem("CORRUPT", at, { kind: "DOCX", detail: "a ZIP archive without word/document.xml" }));
    else if (expected === "xlsx" && sniffed.type === "zip") result.problems.push(problem("CORRUPT", at, { kind: "XLSX", detail: "a ZIP archive without a workbook" }));
    else result.problems.push(problem("WRONG_TYPE", at, { expected: type.toUpperCase(), actual: describeSniffed(sniffed.type), actualZh: describeSniffedZh(sniffed.type) }));
    return result;
  }

  const seqLen = options.seqLen ?? DEFAULT_SEQ_LEN;
  const columns = options.columns?.[name] ?? options.columns?.["*"];
  try {
    switch (type) {
      case "jsonl":
      case "json": {
        const r = type === "jsonl" ? await importJsonl(path, name, { signal: options.signal, onLine: onRecord, includeUnreviewed: options.includeUnreviewed }) : await importJson(path, name, sniffed.bytes, options.signal);
        Object.assign(result, { formats: r.formats, examples: r.examples, problems: r.problems });
        const formats = Object.keys(r.formats);
        if (formats.length > 1) result.problems.push(problem("MIXED_FORMATS", at, { formats: formats.map((f) => `${f} ${r.formats[f as DataFormat]}`).join(", ") }));
        break;
      }
      case "csv":
      case "tsv":
      case "xlsx": {
        const r = type === "xlsx" ? await importXlsx(path, name, { columns }) : await importCsv(path, name, { columns, tsv: type === "tsv", signal: options.signal, onRow: onRecord });
        Object.assign(result, { examples: r.examples, problems: r.problems, columns: r.columns, ...(r.headers ? { headers: r.headers } : {}) });
        if (r.examples.length) result.formats.table = r.examples.length;
        break;
      }
      case "txt":
      case "pdf":
      case "docx": {
        const r = await importDocument(path, name, type, { seqLen, overlapTokens: options.overlapTokens, countTokens: options.countTokens, signal: options.signal });
        Object.assign(result, { examples: r.examples, problems: r.problems });
        if (r.examples.length) result.formats.document = r.examples.length;
        break;
      }
      default:
        void (type satisfies never);
    }
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    result.problems.push(problem("READ_FAILED", at, { detail: e instanceof Error ? e.message.split("\n")[0]! : String(e) }));
  }
  return result;
}

/** File names for locations: the base name, with the parent folder added where two inputs share a base name. */
function uniqueNames(paths: string[]): string[] {
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(basename(p), (counts.get(basename(p)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const b = basename(p);
    if (counts.get(b) === 1) return b;
    const n = (seen.get(b) ?? 0) + 1;
    seen.set(b, n);
    return `${basename(p.slice(0, -b.length - 1)) || "."}/${b}${n > 1 ? `#${n}` : ""}`;
  });
}
