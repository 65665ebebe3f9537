import type { ExamplePreview, PiiSummary, QualityReportView } from "../../contract/dto";
import { exampleText } from "../data/exampleText";
import { findPii, PII_KINDS, type PiiKind } from "../data/findPii";
import type { QualityReport } from "../data/qualityReport";
import type { Example } from "../data/types";
import type { StoredExample } from "../store/datasets";

const SAMPLES_PER_KIND = 3;

export function reportView(r: QualityReport): QualityReportView {
  return {
    files: r.files.map((f) => ({ ...f, formats: { ...f.formats } as Record<string, number> })),
    totals: r.totals,
    ...(r.tokens ? { tokens: r.tokens } : {}),
    languages: { ...r.languages } as Record<string, number>,
    findings: r.findings,
    excluded: r.excluded,
  };
}

export function examplePreview(e: Example, split: ExamplePreview["split"] = null): ExamplePreview {
  return { id: e.id, kind: e.kind, ...(e.messages ? { messages: e.messages } : {}), ...(e.text !== undefined ? { text: e.text } : {}), source: e.source, split };
}

export function storedPreview(e: StoredExample): ExamplePreview {
  return examplePreview({ id: e.key, kind: e.kind, ...e.content, source: e.source }, e.split ?? null);
}

/** Personal data per kind: how much, and a few masked samples with where they are. */
export function piiSummary(examples: readonly Example[]): PiiSummary[] {
  const byKind = new Map<PiiKind, PiiSummary>();
  for (const e of examples) {
    for (const span of findPii(exampleText(e))) {
      const s = byKind.get(span.kind) ?? { kind: span.kind, count: 0, samples: [] };
      s.count++;
      if (s.samples.length < SAMPLES_PER_KIND) s.samples.push({ exampleId: e.id, location: e.source, note: mask(span.text) });
      byKind.set(span.kind, s);
    }
  }
  return PII_KINDS.flatMap((k) => (byKind.has(k) ? [byKind.get(k)!] : []));
}

/** A sample without repeating it whole: "jo**********om". */
function mask(text: string): string {
  const chars = [...text];
  if (chars.length <= 4) return "*".repeat(chars.length);
  return chars.slice(0, 2).join("") + "*".repeat(chars.length - 4) + chars.slice(-2).join("");
}
