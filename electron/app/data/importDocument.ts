import { readFile } from "node:fs/promises";
import { isUtf8 } from "node:buffer";
import { chunkDocument } from "./chunkDocument";
import { DocumentReadError, extractDocxText, extractPdfText, type DocumentText } from "./extractDocumentText";
import { problem } from "./messages";
import type { CountTokens } from "./estimateTokens";
import type { Example, FileProblem, SourceRef } from "./types";

export interface DocumentOptions {
  /** Sequence length the chunks must fit, in tokens (room for BOS and EOS is kept). */
  seqLen: number;
  overlapTokens?: number;
  countTokens?: CountTokens;
  signal?: AbortSignal;
}

/** Largest TXT/MD file read as one document. */
const MAX_TEXT_BYTES = 256 * 1024 * 1024;

/**
 * Imports a TXT, Markdown, PDF or DOCX file in document mode: its text split into chunks of the sequence length
 * (on paragraph and sentence boundaries, with overlap), each located by line (text) or page (PDF).
 */
export async function importDocument(path: string, name: string, type: "txt" | "pdf" | "docx", options: DocumentOptions): Promise<{ examples: Example[]; problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  let doc: DocumentText;
  try {
    if (type === "pdf") doc = await extractPdfText(path, options.signal);
    else if (type === "docx") doc = await extractDocxText(path);
    else {
      const buf = await readFile(path, { signal: options.signal });
      if (buf.length > MAX_TEXT_BYTES) return { examples: [], problems: [problem("READ_FAILED", { file: name }, { detail: "over 256 MB of text; split it into several files" })] };
      const text = buf.toString("utf8");
      if (!isUtf8(buf)) {
        const line = text.slice(0, text.indexOf("\uFFFD")).split("\n").length;
        return { examples: [], problems: [problem("INVALID_UTF8", { file: name, line })] };
      }
      doc = { pages: [text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n")] };
    }
  } catch (e) {
    if (e instanceof DocumentReadError) {
      const kind = type.toUpperCase();
      const code = e.reason === "encrypted" ? "ENCRYPTED" : "CORRUPT";
      return { examples: [], problems: [problem(code, { file: name }, { kind, detail: e.detail.slice(0, 200) })] };
    }
    throw e;
  }

  // One text for the whole document, so chunks may span pages; remember where each page starts.
  const pageStarts: number[] = [];
  let text = "";
  doc.pages.forEach((p, i) => {
    if (i > 0) text += "\n\n";
    pageStarts.push(text.length);
    text += p;
  });
  const blankPages = doc.pages.map((p, i) => (p.trim() ? 0 : i + 1)).filter(Boolean);
  if (!text.trim()) {
    problems.push(problem("NO_TEXT", { file: name }, { pageNote: "", pageNoteZh: "" }));
    return { examples: [], problems };
  }
  if (type === "pdf" && blankPages.length) {
    problems.push(problem("NO_TEXT", { file: name }, { pageNote: ` on page(s) ${blankPages.join(", ")}`, pageNoteZh: `（第 ${blankPages.join("、")} 页）` }));
  }

  const reserve = 2; // BOS and EOS
  const chunks = chunkDocument(text, { maxTokens: options.seqLen - reserve, overlapTokens: options.overlapTokens, countTokens: options.countTokens });
  let line = 1;
  let counted = 0;
  const examples = chunks.map((c, i): Example => {
    const source: SourceRef = { file: name, chunk: i };
    if (type === "pdf") source.page = pageOf(pageStarts, c.start);
    else if (type === "txt") {
      for (let nl = text.indexOf("\n", counted); nl !== -1 && nl < c.start; nl = text.indexOf("\n", nl + 1)) line++, (counted = nl + 1);
      source.line = line;
    }
    return { id: `${name}:C${i + 1}`, kind: "document", text: c.text, group: `doc:${name}`, source };
  });
  return { examples, problems };
}

function pageOf(starts: number[], offset: number): number {
  let p = 0;
  while (p + 1 < starts.length && starts[p + 1]! <= offset) p++;
  return p + 1;
}
