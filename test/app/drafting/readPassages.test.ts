/**
 * Documents as drafting reads them: the text of a PDF (pages joined by a blank line), a DOCX, a Markdown file; its
 * passages, each the exact slice [start, end) of that text, with the page it starts on; and a problem per bad file
 * or page without text, naming it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDocument, splitPassages } from "../../../electron/app/drafting/readPassages";
import { writeDocx, writePdf } from "../data/writeFixtures";
import { CLINIC_MD, CLINIC_PDF_PAGES } from "./draftingFixtures";

const dir = mkdtempSync(join(tmpdir(), "read-passages-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("documents split into passages for drafting", () => {
  it("PDF: passages are slices of the text, with the page they start on; the page without text is named", async () => {
    const pdf = await writePdf(join(dir, "hours.pdf"), CLINIC_PDF_PAGES);
    const doc = await readDocument(pdf, "hours.pdf");
    expect(doc.paged).toBe(true);
    expect(doc.pageStarts).toHaveLength(3);
    expect(doc.problems.map((p) => [p.code, p.page])).toEqual([["NO_TEXT", 2]]);
    const passages = splitPassages(doc, "hours.pdf", 20);
    expect(passages.length).toBeGreaterThanOrEqual(2);
    for (const p of passages) {
      expect(p.text).toBe(doc.text.slice(p.start, p.end));
      expect(p.page).toBe(p.start >= doc.pageStarts[2]! ? 3 : 1);
    }
    expect(passages.map((p) => p.page)).toContain(3);
  });

  it("DOCX and Markdown: one page, no page numbers, passages cover the text in order without overlap", async () => {
    const docx = await writeDocx(join(dir, "guide.docx"), CLINIC_MD.split("\n\n"));
    const md = join(dir, "guide.md");
    writeFileSync(md, CLINIC_MD);
    for (const [path, name] of [[docx, "guide.docx"], [md, "guide.md"]] as const) {
      const doc = await readDocument(path, name);
      expect(doc.problems).toEqual([]);
      const passages = splitPassages(doc, name, 24);
      expect(passages.length).toBeGreaterThanOrEqual(3);
      let last = 0;
      for (const p of passages) {
        expect(p.page).toBeNull();
        expect(p.text).toBe(doc.text.slice(p.start, p.end));
        expect(p.start).toBeGreaterThanOrEqual(last);
        last = p.end;
      }
      expect(passages.map((p) => p.text).join(" ")).toContain("flu vaccinations");
    }
  });

  it("names a file it cannot read, an unsupported type, text that is not UTF-8 and a document without text", async () => {
    const gbk = join(dir, "gbk.txt");
    writeFileSync(gbk, Buffer.from([0xb3, 0xe9, 0xd1, 0xaa, 0xbc, 0xec, 0xb2, 0xe9]));
    expect((await readDocument(gbk, "gbk.txt")).problems[0]).toMatchObject({ code: "READ_FAILED", file: "gbk.txt", message: { en: expect.stringMatching(/^gbk\.txt: .*not UTF-8/) } });
    const csv = join(dir, "t.csv");
    writeFileSync(csv, "a,b\n");
    expect((await readDocument(csv, "t.csv")).problems[0]).toMatchObject({ code: "UNSUPPORTED_FILE", message: { zh: expect.stringMatching(/^t\.csv：无法从“\.csv”类型的文件起草/) } });
    const broken = join(dir, "broken.pdf");
    writeFileSync(broken, "%PDF-1.4 this is not really a pdf");
    expect((await readDocument(broken, "broken.pdf")).problems[0]).toMatchObject({ code: "READ_FAILED", file: "broken.pdf" });
    const scanned = await writePdf(join(dir, "scan.pdf"), ["", ""]);
    const doc = await readDocument(scanned, "scan.pdf");
    expect(doc.problems.map((p) => [p.code, p.page ?? null])).toEqual([["NO_TEXT", null]]);
    expect(splitPassages(doc, "scan.pdf", 20)).toEqual([]);
    expect((await readDocument(join(dir, "gone.md"), "gone.md")).problems[0]).toMatchObject({ code: "DOCUMENT_MISSING", file: "gone.md" });
  });
});
