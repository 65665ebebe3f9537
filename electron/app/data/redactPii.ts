import { findPii, PII_KINDS, type PiiKind, type PiiSpan } from "./findPii";
import { exampleText } from "./exampleText";
import { localize, fixFor } from "./messages";
import type { Finding } from "./qualityReport";
import type { Example } from "./types";
import { maskValue } from "./maskPii";

export type RedactionMode = "placeholder" | "pseudonym";
export type RedactionChoices = Partial<Record<PiiKind, RedactionMode>>;

export const PLACEHOLDERS: Record<PiiKind, string> = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  id: "[ID]",
  bank_card: "[CARD]",
  iban: "[IBAN]",
  medical_record: "[MRN]",
  insurance: "[INSURANCE_ID]",
  dob: "[DOB]",
  address: "[ADDRESS]",
  name: "[NAME]",
};

const KIND_NAMES: Record<PiiKind, { en: string; zh: string }> = {
  email: { en: "e-mail addresses", zh: "电子邮箱" },
  phone: { en: "phone numbers", zh: "电话号码" },
  id: { en: "national ID numbers", zh: "身份证件号码" },
  bank_card: { en: "bank card numbers", zh: "银行卡号" },
  iban: { en: "IBANs", zh: "国际银行账号（IBAN）" },
  medical_record: { en: "medical record numbers", zh: "病历号" },
  insurance: { en: "insurance numbers", zh: "保险号" },
  dob: { en: "dates of birth", zh: "出生日期" },
  address: { en: "street addresses", zh: "住址" },
  name: { en: "person names", zh: "人名" },
};

const EN_PSEUDONYMS = ["Alex Morgan", "Jordan Lee", "Taylor Reed", "Casey Brooks", "Riley Quinn", "Morgan Blake", "Jamie Ellis", "Avery Stone", "Drew Parker", "Robin Hayes"];
const ZH_PSEUDONYMS = ["陈一", "林二", "周三", "吴四", "郑五", "冯六", "何七", "许八", "韩九", "秦十"];

/** Consistent made-up values: the same original always gets the same pseudonym within one dataset. */
export class Pseudonymizer {
  private readonly seen = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  pseudonym(span: PiiSpan): string {
    const key = `${span.kind}\u0000${span.text.toLowerCase().replace(/\s+/g, "")}`;
    const known = this.seen.get(key);
    if (known) return known;
    // Chinese and Latin values count separately, so each list of made-up names starts at its first.
    const counter = `${span.kind}:${/[\u4e00-\u9fa5]/.test(span.text) ? "zh" : "latin"}`;
    const n = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, n);
    const value = make(span, n);
    this.seen.set(key, value);
    return value;
  }
}

function make(span: PiiSpan, n: number): string {
  const chinese = /[\u4e00-\u9fa5]/.test(span.text);
  const cycle = Math.floor((n - 1) / 10);
  switch (span.kind) {
    case "name":
      return chinese ? ZH_PSEUDONYMS[(n - 1) % 10]! + (cycle ? String(cycle + 1) : "") : EN_PSEUDONYMS[(n - 1) % 10]! + (cycle ? ` ${cycle + 1}` : "");
    case "email":
      return `person${n}@example.com`;
    case "phone":
      return /^(?:\+?86)?\s*1[3-9]/.test(span.text) ? `1380000${String(n).padStart(4, "0")}` : `+1 555-01${String(n % 100).padStart(2, "0")}`;
    case "id":
    case "bank_card":
    case "iban":
    case "medical_record":
    case "insurance":
    case "dob":
    case "address":
      return `${PLACEHOLDERS[span.kind].slice(0, -1)}-${n}]`;
    default:
      return span.kind satisfies never;
  }
}

/** Replaces the spans of a text (found by findPii) per the choices; kinds without a choice are kept. */
export function redactText(text: string, spans: PiiSpan[], choices: RedactionChoices, pseudonyms: Pseudonymizer, counts: Partial<Record<PiiKind, number>>): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    const mode = choices[s.kind];
    if (!mode) continue;
    out += text.slice(at, s.start) + (mode === "placeholder" ? PLACEHOLDERS[s.kind] : pseudonyms.pseudonym(s));
    at = s.end;
    counts[s.kind] = (counts[s.kind] ?? 0) + 1;
  }
  return out + text.slice(at);
}

export interface PiiScan {
  counts: Partial<Record<PiiKind, number>>;
  /** The personal-data finding for the quality report (absent when nothing was found). */
  finding?: Finding;
}

/** Scans examples for personal data: counts per kind and a finding with up to five located samples. */
export function scanPii(examples: Example[]): PiiScan {
  const counts: Partial<Record<PiiKind, number>> = {};
  const samples: Finding["samples"] = [];
  for (const e of examples) {
    const spans = findPii(exampleText(e));
    for (const s of spans) {
      counts[s.kind] = (counts[s.kind] ?? 0) + 1;
      if (samples.length < 5) samples.push({ exampleId: e.id, location: e.source, note: `${s.kind}: ${maskValue(s.text)}` });
    }
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (!total) return { counts };
  const kinds = PII_KINDS.filter((k) => counts[k]);
  return {
    counts,
    finding: {
      code: "PII_FOUND",
      severity: "warning",
      count: total,
      samples,
      message: localize("PII_FOUND", {
        count: total,
        kinds: kinds.map((k) => `${counts[k]} ${KIND_NAMES[k].en}`).join(", "),
        kindsZh: kinds.map((k) => `${KIND_NAMES[k].zh} ${counts[k]} 处`).join("、"),
      }),
      fix: fixFor("PII_FOUND"),
    },
  };
}

/**
 * Redacts every example's text per the choices, with one pseudonymizer (the same name gets the same stand-in
 * everywhere); returns new examples and the count of replacements per kind, in all and per example id.
 */
export function redactExamples(
  examples: Example[],
  choices: RedactionChoices,
): { examples: Example[]; counts: Partial<Record<PiiKind, number>>; perExample: Map<string, { kind: PiiKind; count: number }[]> } {
  const counts: Partial<Record<PiiKind, number>> = {};
  const perExample = new Map<string, { kind: PiiKind; count: number }[]>();
  const pseudonyms = new Pseudonymizer();
  const kinds = PII_KINDS.filter((k) => choices[k]);
  if (!kinds.length) return { examples, counts, perExample };
  const out = examples.map((e) => {
    const mine: Partial<Record<PiiKind, number>> = {};
    const redact = (t: string) => redactText(t, findPii(t, kinds), choices, pseudonyms, mine);
    const next: Example = e.kind === "chat" ? { ...e, messages: e.messages!.map((m) => ({ ...m, content: redact(m.content) })) } : { ...e, text: redact(e.text ?? "") };
    const list = (Object.entries(mine) as [PiiKind, number][]).map(([kind, count]) => ({ kind, count }));
    for (const { kind, count } of list) counts[kind] = (counts[kind] ?? 0) + count;
    if (list.length) perExample.set(e.id, list);
    return next;
  });
  return { examples: out, counts, perExample };
}
