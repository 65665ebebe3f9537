import type { ExamplePreview, PiiSummary, QualityReportView } from "../../contract/dto";
import { exampleText } from "../data/exampleText";
import { findPii, PII_KINDS, type PiiKind } from "../data/findPii";
import { maskPiiInText, maskValue } from "../data/maskPii";
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

/**
 * An example of files not imported yet, as the data step's preview shows it: personal data masked ("jo****om")
 * whatever the redaction choice will be, since the preview sits right above the personal-data report.
 */
export function examplePreview(e: Example, split: ExamplePreview["split"] = null): ExamplePreview {
  const messages = e.messages?.map((m) => ({ ...m, content: maskPiiInText(m.content) }));
  return { id: e.id, kind: e.kind, ...(messages ? { messages } : {}), ...(e.text !== undefined ? { text: maskPiiInText(e.text) } : {}), source: e.source, split, ...(e.provenance ? { provenance: e.provenance } : {}) };
}

/** An imported example as stored: redacted as the user chose, values kept where the user chose to keep them. */
export function storedPreview(e: StoredExample): ExamplePreview {
  const { messages, text, provenance } = e.content;
  return { id: e.key, kind: e.kind, ...(messages ? { messages } : {}), ...(text !== undefined ? { text } : {}), source: e.source, split: e.split ?? null, ...(provenance ? { provenance } : {}) };
}

/** Personal data per kind: how much, and a few masked samples with where they are. */
export function piiSummary(examples: readonly Example[]): PiiSummary[] {
  const byKind = new Map<PiiKind, PiiSummary>();
  for (const e of examples) {
    for (const span of findPii(exampleText(e))) {
      const s = byKind.get(span.kind) ?? { kind: span.kind, count: 0, samples: [] };
      s.count++;
      if (s.samples.length < SAMPLES_PER_KIND) s.samples.push({ exampleId: e.id, location: e.source, note: maskValue(span.text) });
      byKind.set(span.kind, s);
    }
  }
  return PII_KINDS.flatMap((k) => (byKind.has(k) ? [byKind.get(k)!] : []));
}
