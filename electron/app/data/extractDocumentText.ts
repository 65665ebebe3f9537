import { readFile } from "node:fs/promises";

/** A document's text, page by page where the format has pages (PDF); one page otherwise. */
export interface DocumentText {
  pages: string[];
}

export class DocumentReadError extends Error {
  override name = "DocumentReadError";
  constructor(
    readonly reason: "encrypted" | "corrupt",
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Text of each page of a PDF (pdfjs-dist, text layer only: a scanned page without one yields ""). Throws
 * DocumentReadError("encrypted") for a password-protected file and ("corrupt") for one pdf.js cannot parse.
 */
export async function extractPdfText(path: string, signal?: AbortSignal): Promise<DocumentText> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const data = new Uint8Array(await readFile(path, { signal }));
  const task = pdfjs.getDocument({ data, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  let doc;
  try {
    doc = await task.promise;
  } catch (e) {
    const name = (e as { name?: string }).name;
    const message = e instanceof Error ? e.message : String(e);
    if (name === "PasswordException") throw new DocumentReadError("encrypted", message);
    throw new DocumentReadError("corrupt", message);
  }
  try {
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      signal?.throwIfAborted();
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += item.str + (item.hasEOL ? "\n" : "");
      }
      pages.push(text.replace(/[ \t]+\n/g, "\n").trim());
      page.cleanup();
    }
    return { pages };
  } catch (e) {
    if (e instanceof Error && e.name === "AbortError") throw e;
    throw new DocumentReadError("corrupt", e instanceof Error ? e.message : String(e));
  } finally {
    await task.destroy();
  }
}

/** Text of a DOCX document (mammoth), paragraphs separated by blank lines. */
export async function extractDocxText(path: string): Promise<DocumentText> {
  const mammoth = (await import("mammoth")).default;
  try {
    const { value } = await mammoth.extractRawText({ path });
    return { pages: [value.replace(/\n{3,}/g, "\n\n").trim()] };
  } catch (e) {
    throw new DocumentReadError("corrupt", e instanceof Error ? e.message : String(e));
  }
}
