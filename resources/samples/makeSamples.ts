// Writes the binary samples (PDF, DOCX) of resources/samples from the texts below:
//   node --import tsx resources/samples/makeSamples.ts
// Note: pdfkit's standard fonts have no Chinese glyphs, so the Chinese PDF embeds a subset (only the glyphs used) of
// WenQuanYi Zen Hei, Debian's fonts-wqy-zenhei (`apt-get install fonts-wqy-zenhei`), needed only to regenerate it.
import { createWriteStream, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";

const here = dirname(fileURLToPath(import.meta.url));

export const GUIDELINE_EN = [
  "Hand Hygiene Guideline",
  "Purpose. This guideline describes when and how staff clean their hands, to protect patients and staff from infections that spread by contact.",
  "When to clean hands. Clean your hands before touching a patient, before a clean or aseptic procedure, after contact with body fluids, after touching a patient, and after touching a patient's surroundings.",
  "How to clean hands. Use an alcohol-based hand rub for 20 to 30 seconds when hands are not visibly soiled. Wash with soap and water for 40 to 60 seconds when hands are visibly soiled or after caring for a patient with diarrhoea.",
  "Gloves. Gloves do not replace hand hygiene. Clean your hands before putting gloves on and after taking them off, and change gloves between patients.",
  "Skin care. Use the hand cream provided at the end of each shift. Report cracked or irritated skin to occupational health, because damaged skin holds more bacteria.",
  "Audit. The infection control team observes hand hygiene monthly on every ward and shares the results with the ward manager.",
];

export const GUIDELINE_ZH = [
  "手卫生指南",
  "目的。本指南说明员工何时以及如何进行手卫生，以保护患者和员工免受经接触传播的感染。",
  "何时进行手卫生。接触患者前、进行清洁或无菌操作前、接触体液后、接触患者后以及接触患者周围环境后，均应进行手卫生。",
  "如何进行手卫生。手部无可见污染时，使用含酒精的速干手消毒剂揉搓 20 至 30 秒；手部有可见污染或护理腹泻患者后，用肥皂和流动水洗手 40 至 60 秒。",
  "手套。戴手套不能代替手卫生。戴手套前和脱手套后均应进行手卫生，接触不同患者之间应更换手套。",
  "皮肤护理。每班结束时使用提供的护手霜。皮肤皲裂或受刺激时请报告职业健康部门，因为受损的皮肤更易藏匿细菌。",
  "督查。感染控制小组每月在各病区观察手卫生执行情况，并将结果反馈给病区负责人。",
];

const CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

async function writePdf(path: string, paragraphs: string[], font?: { file: string; family: string }): Promise<void> {
  const doc = new PDFDocument({ info: { Title: paragraphs[0], CreationDate: new Date(0) } });
  if (font) doc.font(font.file, font.family);
  const done = new Promise<void>((resolve, reject) => doc.pipe(createWriteStream(path)).on("finish", () => resolve()).on("error", reject));
  doc.fontSize(18).text(paragraphs[0]!).moveDown();
  paragraphs.slice(1).forEach((p, i) => {
    if (i === 3) doc.addPage(); // two pages, so the sample shows page numbers in locations
    doc.fontSize(11).text(p).moveDown();
  });
  doc.end();
  await done;
}

async function writeDocx(path: string, paragraphs: string[]): Promise<void> {
  const doc = new Document({
    sections: [{ children: [new Paragraph({ text: paragraphs[0]!, heading: HeadingLevel.HEADING_1 }), ...paragraphs.slice(1).map((p) => new Paragraph(p))] }],
  });
  writeFileSync(path, await Packer.toBuffer(doc));
}

await writePdf(join(here, "hand-hygiene-guideline.en.pdf"), GUIDELINE_EN);
await writeDocx(join(here, "hand-hygiene-guideline.en.docx"), GUIDELINE_EN);
await writeDocx(join(here, "hand-hygiene-guideline.zh.docx"), GUIDELINE_ZH);
await writePdf(join(here, "hand-hygiene-guideline.zh.pdf"), GUIDELINE_ZH, { file: CJK_FONT, family: "WenQuanYiZenHei" });
writeFileSync(join(here, "hand-hygiene-guideline.zh.md"), `# ${GUIDELINE_ZH[0]}\n\n${GUIDELINE_ZH.slice(1).join("\n\n")}\n`);
