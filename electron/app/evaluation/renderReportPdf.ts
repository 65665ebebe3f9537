import { createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import PDFDocument from "pdfkit";
import type { ReportInput } from "./ReportInput";
import { reportLocalTime } from "./reportLocalTime";
import { reportSections, type ReportTable } from "./reportSections";

/**
 * Fonts with Chinese glyphs, looked for on the machine (Linux, macOS, Windows). Note: PDF's built-in Helvetica
 * has Latin glyphs only; a Chinese question in it would print as boxes, so a system CJK font is embedded (as a
 * subset) where one exists, and the report says so where none does.
 */
const CJK_FONTS: { path: string; family?: string }[] = [
  { path: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", family: "WenQuanYiZenHei" },
  { path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", family: "NotoSansCJKsc-Regular" },
  { path: "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", family: "NotoSansCJKsc-Regular" },
  { path: "/System/Library/Fonts/STHeiti Light.ttc", family: "STHeitiSC-Light" },
  { path: "/Library/Fonts/Arial Unicode.ttf" },
  { path: "C:\\Windows\\Fonts\\simhei.ttf" },
];

const MARGIN = 48;

/** Writes the report as a PDF (pdfkit): the same sections as the HTML, the loss chart drawn as vectors. */
export async function renderReportPdf(input: ReportInput, outPath: string): Promise<void> {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, info: { Title: "LoRA Studio evaluation report", Creator: "LoRA Studio" } });
  const stream = createWriteStream(outPath);
  doc.pipe(stream);
  const cjk = CJK_FONTS.find((f) => existsSync(f.path));
  let font = "Helvetica";
  if (cjk) {
    doc.registerFont("body", cjk.path, cjk.family as string);
    font = "body";
  }
  const text = (s: string) => (cjk ? s : s.replace(/[^\u0000-\u00ff–—…·→×]/g, "?"));
  doc.font(font).fontSize(18).text("Evaluation report");
  doc.fontSize(9).fillColor("#666").text(text(`Run ${input.runDir} · generated ${reportLocalTime(input.generatedAt, input.timeZone)} by LoRA Studio`));
  if (!cjk) doc.text("No font with Chinese glyphs was found on this machine: characters outside Latin-1 print as '?'. The HTML report shows them.");
  doc.fillColor("#000");
  for (const s of reportSections(input)) {
    doc.moveDown(0.8).fontSize(13).text(text(s.title));
    doc.fontSize(9);
    for (const w of s.warnings ?? []) doc.fillColor("#a05a00").text(text(`Warning: ${w}`)).fillColor("#000").moveDown(0.3);
    for (const p of s.paragraphs) doc.text(text(p)).moveDown(0.3);
    if (s.chart === "loss") drawLossChart(doc, input);
    for (const t of s.tables) drawTable(doc, t, text);
  }
  doc.end();
  await once(stream, "finish");
}

function drawTable(doc: PDFKit.PDFDocument, t: ReportTable, text: (s: string) => string): void {
  const width = doc.page.width - 2 * MARGIN;
  const col = width / t.head.length;
  const row = (cells: string[], bold: boolean) => {
    doc.fontSize(bold ? 8.5 : 8);
    const heights = cells.map((c) => doc.heightOfString(text(c), { width: col - 6 }));
    const h = Math.max(...heights) + 6;
    if (doc.y + h > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    if (bold) doc.rect(MARGIN, y, width, h).fill("#f0f0f0").fillColor("#000");
    cells.forEach((c, i) => doc.text(text(c), MARGIN + i * col + 3, y + 3, { width: col - 6 }));
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + width, y + h).strokeColor("#ccc").stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  row(t.head, true);
  for (const r of t.rows) row(r, false);
  doc.moveDown(0.5);
}

function drawLossChart(doc: PDFKit.PDFDocument, input: ReportInput): void {
  const train = input.losses.filter((p) => p.loss !== null).map((p) => [p.step, p.loss!] as const);
  const val = input.losses.filter((p) => p.valLoss !== null).map((p) => [p.step, p.valLoss!] as const);
  if (!train.length && !val.length) {
    doc.text("No loss was recorded (metrics.jsonl is missing or empty).");
    return;
  }
  const w = doc.page.width - 2 * MARGIN;
  const h = 160;
  if (doc.y + h + 20 > doc.page.height - MARGIN) doc.addPage();
  const top = doc.y + 4;
  const all = [...train, ...val];
  const xMin = Math.min(...all.map((p) => p[0]));
  const xMax = Math.max(xMin + 1, ...all.map((p) => p[0]));
  const yMin = Math.min(0, ...all.map((p) => p[1]));
  const yMax = Math.max(yMin + 1e-9, ...all.map((p) => p[1]));
  const x = (v: number) => MARGIN + 30 + ((v - xMin) / (xMax - xMin)) * (w - 40);
  const y = (v: number) => top + h - ((v - yMin) / (yMax - yMin)) * h;
  doc.rect(MARGIN + 30, top, w - 40, h).strokeColor("#ccc").stroke();
  doc.fontSize(7).fillColor("#555").text(yMax.toFixed(2), MARGIN, top - 3).text(yMin.toFixed(2), MARGIN, top + h - 6);
  const line = (ps: readonly (readonly [number, number])[], color: string, dash: boolean) => {
    if (!ps.length) return;
    doc.moveTo(x(ps[0]![0]), y(ps[0]![1]));
    for (const p of ps.slice(1)) doc.lineTo(x(p[0]), y(p[1]));
    if (dash) doc.dash(4, { space: 2 });
    doc.strokeColor(color).lineWidth(1.2).stroke().undash();
  };
  line(train, "#1f77b4", false);
  line(val, "#d62728", true);
  doc.fillColor("#000").fontSize(8).text(`steps ${xMin}–${xMax}; blue: training loss, red dashed: validation loss`, MARGIN, top + h + 6);
  doc.lineWidth(1).strokeColor("#000");
  doc.x = MARGIN;
}
