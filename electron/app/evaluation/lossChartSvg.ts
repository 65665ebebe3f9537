import type { LossPoint } from "./ReportInput";

const W = 640;
const H = 260;
const PAD = { left: 52, right: 16, top: 16, bottom: 36 };

/** Escapes text for HTML and SVG. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * The training and validation loss curves as an inline SVG (no script, no external asset), so the report is one
 * self-contained file that opens anywhere, offline.
 */
export function lossChartSvg(points: readonly LossPoint[]): string {
  const train = points.filter((p) => p.loss !== null && Number.isFinite(p.loss)).map((p) => [p.step, p.loss!] as const);
  const val = points.filter((p) => p.valLoss !== null && Number.isFinite(p.valLoss)).map((p) => [p.step, p.valLoss!] as const);
  if (!train.length && !val.length) return `<p class="muted">No loss was recorded (metrics.jsonl is missing or empty).</p>`;
  const all = [...train, ...val];
  const xMin = Math.min(...all.map((p) => p[0]));
  const xMax = Math.max(xMin + 1, ...all.map((p) => p[0]));
  const yMin = Math.min(0, ...all.map((p) => p[1]));
  const yMax = Math.max(yMin + 1e-9, ...all.map((p) => p[1]));
  const x = (v: number) => PAD.left + ((v - xMin) / (xMax - xMin)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
  const path = (ps: readonly (readonly [number, number])[]) => ps.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => yMin + f * (yMax - yMin));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Training and validation loss by step">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    ...ticks.map((t) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e3e3e3"/><text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#555">${t.toFixed(2)}</text>`),
    `<text x="${PAD.left}" y="${H - 10}" font-size="11" fill="#555">step ${xMin}</text>`,
    `<text x="${W - PAD.right}" y="${H - 10}" font-size="11" text-anchor="end" fill="#555">step ${xMax}</text>`,
    train.length ? `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${path(train)}"/>` : "",
    val.length ? `<polyline fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="5 3" points="${path(val)}"/>` : "",
    ...val.map((p) => `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="#d62728"/>`),
    `<text x="${W / 2 - 80}" y="${H - 10}" font-size="11" fill="#1f77b4">— training loss</text>`,
    `<text x="${W / 2 + 30}" y="${H - 10}" font-size="11" fill="#d62728">- - validation loss</text>`,
    `</svg>`,
  ];
  return parts.filter(Boolean).join("\n");
}
