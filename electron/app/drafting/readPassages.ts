import { isUtf8 } from "node:buffer";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { DraftProblem } from "../../contract/dto";
import { chunkDocument } from "../data/chunkDocument";
import type { CountTokens } from "../data/estimateTokens";
import { DocumentReadError, extractDocxText, extractPdfText } from "../data/extractDocumentText";
import { draftProblem } from "./draftMessages";

/** A passage to draft from: its document, the page where it starts (PDF), its span [start, end) in the document text. */
export interface Passage {
  file: string;
  page: number | null;
  start: number;
  end: number;
  text: string;
}

export interface DocumentForDrafting {
  text: string;
  /** Offset of each page's first character in text. */
  pageStarts: number[];
  /** Whether pages are real (PDF): passages then name theirs. */
  paged: boolean;
  problems: DraftProblem[];
}

const TYPES: Record<string, "pdf" | "docx" | "txt"> = { ".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "txt", ".markdown": "txt" };

export function documentType(name: string): "pdf" | "docx" | "txt" | null {
  return TYPES[extname(name).toLowerCase()] ?? null;
}

/**
 * A document's text as drafting sees it (and as a draft's source offsets count): the pages joined by a blank line,
 * as the document import joins them, with where each page starts. Problems (unreadable file, no text, pages without
 * text) name the file and page.
 */
export async function readDocument(path: string, name: string, signal?: AbortSignal): Promise<DocumentForDrafting> {
  const type = documentType(name);
  const empty = (problems: DraftProblem[]): DocumentForDrafting => ({ text: "", pageStarts: [], paged: false, problems });
  if (!type) return empty([draftProblem("UNSUPPORTED_FILE", name, null, { ext: extname(name) || "(none)" })]);
  let pages: string[];
  try {
    if (type === "pdf") pages = (await extractPdfText(path, signal)).pages;
    else if (type === "docx") pages = (await extractDocxText(path)).pages;
    else {
      const buf = await readFile(path, { signal });
      if (!isUtf8(buf)) return empty([draftProblem("READ_FAILED", name, null, { detail: "the text is not UTF-8; save it as UTF-8", detailZh: "文本不是 UTF-8，请另存为 UTF-8" })]);
      pages = [buf.toString("utf8").replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n")];
    }
  } catch (error) {
    if (error instanceof DocumentReadError) return empty([draftProblem("READ_FAILED", name, null, { detail: `${error.reason}: ${error.detail.slice(0, 160)}` })]);
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return empty([draftProblem("DOCUMENT_MISSING", name, null, { detail: (error as Error).message })]);
    throw error;
  }
  const problems: DraftProblem[] = [];
  const pageStarts: number[] = [];
  let text = "";
  pages.forEach((p, i) => {
    if (i > 0) text += "\n\n";
    pageStarts.push(text.length);
    text += p;
  });
  if (!text.trim()) problems.push(draftProblem("NO_TEXT", name, null));
  else if (type === "pdf") pages.forEach((p, i) => p.trim() || problems.push(draftProblem("NO_TEXT", name, i + 1)));
  return { text, pageStarts, paged: type === "pdf", problems };
}

/** Splits a document's text into passages of at most `maxTokens` (sentences packed, no overlap: no question twice). */
export function splitPassages(doc: Omit<DocumentForDrafting, "problems">, name: string, maxTokens: number, countTokens?: CountTokens): Passage[] {
  if (!doc.text.trim()) return [];
  return chunkDocument(doc.text, { maxTokens, overlapTokens: 0, ...(countTokens ? { countTokens } : {}) }).map((c) => ({
    file: name,
    page: doc.paged ? pageOf(doc.pageStarts, c.start) : null,
    start: c.start,
    end: c.start + c.text.length,
    text: c.text,
  }));
}

function pageOf(starts: number[], offset: number): number {
  let p = 0;
  while (p + 1 < starts.length && starts[p + 1]! <= offset) p++;
  return p + 1;
}
