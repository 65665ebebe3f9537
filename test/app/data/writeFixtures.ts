import { createWriteStream, writeFileSync } from "node:fs";
import PDFDocument from "pdfkit";
import { Document, Packer, Paragraph } from "docx";
import ExcelJS from "exceljs";

/** Writes a PDF with one text block per page (pdfkit; standard fonts, so Latin text only). */
export async function writePdf(path: string, pages: string[], options: PDFKit.PDFDocumentOptions = {}): Promise<string> {
  const doc = new PDFDocument({ ...options, info: { CreationDate: new Date(0) } });
  const done = new Promise((resolve, reject) => doc.pipe(createWriteStream(path)).on("finish", () => resolve(undefined)).on("error", reject));
  pages.forEach((text, i) => {
    if (i) doc.addPage();
    if (text) doc.text(text);
  });
  doc.end();
  await done;
  return path;
}

export async function writeDocx(path: string, paragraphs: string[]): Promise<string> {
  const doc = new Document({ sections: [{ children: paragraphs.map((p) => new Paragraph(p)) }] });
  writeFileSync(path, await Packer.toBuffer(doc));
  return path;
}

export async function writeXlsx(path: string, sheets: Record<string, (string | number)[][]>): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  await wb.xlsx.writeFile(path);
  return path;
}
