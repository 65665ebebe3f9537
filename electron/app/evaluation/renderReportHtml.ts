import { lossChartSvg, escapeXml } from "./lossChartSvg";
import type { ReportInput } from "./ReportInput";
import { reportLocalTime } from "./reportLocalTime";
import { reportSections, type ReportTable } from "./reportSections";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:960px;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top;word-break:break-word}
th{background:#f5f5f5}.warn{background:#fff4e5;border-left:4px solid #f0a020;padding:.5rem .75rem;margin:.5rem 0}.muted{color:#777}
@media print{body{margin:0}h2{page-break-after:avoid}}
`;

function table(t: ReportTable): string {
  const head = `<tr>${t.head.map((h) => `<th>${escapeXml(h)}</th>`).join("")}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

/** The report as one self-contained HTML page: inline CSS and SVG, no script, no external asset. */
export function renderReportHtml(input: ReportInput): string {
  const body = reportSections(input).map((s) => [
    `<section>`,
    `<h2>${escapeXml(s.title)}</h2>`,
    ...(s.warnings ?? []).map((w) => `<p class="warn">${escapeXml(w)}</p>`),
    ...s.paragraphs.map((p) => `<p>${escapeXml(p)}</p>`),
    ...(s.chart === "loss" ? [lossChartSvg(input.losses)] : []),
    ...s.tables.map(table),
    `</section>`,
  ].join("\n"));
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>LoRA Studio evaluation report</title><style>${STYLE}</style></head><body>`,
    `<h1>Evaluation report</h1>`,
    `<p class="muted">Run ${escapeXml(input.runDir)} · generated ${escapeXml(reportLocalTime(input.generatedAt, input.timeZone))} by LoRA Studio</p>`,
    ...body,
    "</body></html>",
  ].join("\n");
}
