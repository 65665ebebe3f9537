import { chineseIdValid, ibanValid, luhnValid, ssnValid } from "./piiChecksums";
import { EN_GIVEN_NAMES, EN_HONORIFICS, EN_NOT_NAMES, PINYIN_SURNAMES, ZH_DOUBLE_SURNAMES, ZH_NAME_CUES, ZH_NAME_STOP, ZH_SURNAMES, ZH_TITLES } from "./piiNames";

export const PII_KINDS = ["email", "phone", "id", "bank_card", "iban", "medical_record", "insurance", "dob", "address", "name"] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
  text: string;
  /** For ids: which scheme ("ssn", "cn_id"). */
  scheme?: string;
}

const D = "(?<![\\w])";
const DATE =
  "(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|\\d{4}年\\d{1,2}月\\d{1,2}日|" +
  "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\\.? \\d{1,2},? \\d{4}|\\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\\.? \\d{4})";
const STREET = "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Square|Sq";
const HAN = "\\u4e00-\\u9fa5";

interface Rule {
  kind: PiiKind;
  re: RegExp;
  /** Capture group holding the value (default: the whole match). */
  group?: number;
  valid?: (value: string) => boolean | string;
}

/**
 * The detectors, most specific first: where two overlap, the earlier wins (a Chinese ID is not also a card number).
 * Context words ("MRN", "出生日期"...) decide kinds whose values look like any number or date.
 */
const RULES: Rule[] = [
  { kind: "email", re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  { kind: "id", re: /(?<![\dA-Za-z])[1-9]\d{16}[\dXx](?![\dA-Za-z])/g, valid: (v) => (chineseIdValid(v) ? "cn_id" : false) },
  { kind: "id", re: /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g, valid: (v) => (ssnValid(v) ? "ssn" : false) },
  {
    kind: "medical_record",
    re: new RegExp(`(?:MRN|medical record (?:number|no\\.?|#)|patient (?:ID|number)|chart (?:number|no\\.?)|病历号|住院号|门诊号|病案号|就诊卡号)\\s*(?:is|[:：#])?\\s*([A-Z]{0,4}-?\\d[\\dA-Z-]{3,15})`, "gi"),
    group: 1,
  },
  {
    kind: "insurance",
    re: new RegExp(`(?:insurance (?:ID|number|no\\.?|policy(?: number)?)|policy (?:number|no\\.?|#)|member ID|subscriber ID|Medicare (?:number|ID)|医保卡号|医保号|社保卡号|社保号|保单号|保险单号)\\s*(?:is|[:：#])?\\s*([A-Z]{0,4}-?\\d[\\dA-Z-]{4,20})`, "gi"),
    group: 1,
  },
  { kind: "iban", re: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, valid: (v) => ibanValid(v) },
  { kind: "bank_card", re: /(?<![\d-])(?:\d{4}[ -]?){2,3}\d{4}(?:[ -]?\d{1,3})?(?![\d-])/g, valid: (v) => luhnValid(v.replace(/\D/g, "")) },
  {
    kind: "dob",
    re: new RegExp(`(?:DOB|D\\.O\\.B\\.|date of birth|birth ?date|born(?: on)?|birthday|出生日期|出生年月|出生于|生于|生日)\\s*(?:is|was|[:：])?\\s*(${DATE})`, "gi"),
    group: 1,
  },
  // Chinese mobile, with or without +86 and separators.
  { kind: "phone", re: /(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g },
  // International numbers written with a + or 00 country code: +44 20 7946 0958, 0044-20-7946-0958.
  { kind: "phone", re: /(?<![\w+]|\d )(?:\+|00(?=[1-9]))\d{1,3}[ -]?(?:\(\d{1,4}\)[ -]?)?\d{1,4}(?:[ -]?\d{2,4}){1,4}(?!\d)/g, valid: (v) => v.replace(/\D/g, "").length >= 9 },
  // North American (and similar) numbers: (555) 123-4567, 555-123-4567, 555.123.4567.
  { kind: "phone", re: /(?<![\d-])(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\d-])/g },
  // Chinese landlines with an area code: 010-12345678, 0755-1234567.
  { kind: "phone", re: /(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])/g },
  // National numbers with a trunk 0 in groups (UK, Europe, Australia): 020-7946-0958, 020 7946 0958, 07700 900123.
  { kind: "phone", re: /(?<![\d-]|\d )0\d{1,4}(?:[- ]\d{3,4}){2}(?![\d-]| \d)|(?<![\d-]|\d )0\d{4}[- ]\d{6}(?![\d-]| \d)/g, valid: (v) => v.replace(/\D/g, "").length >= 10 },
  {
    kind: "address",
    re: new RegExp(`${D}\\d{1,5}[A-Za-z]? (?:[A-Z][a-z]+ ){1,3}(?:${STREET})\\.?(?:,? (?:Apt|Suite|Unit|#) ?[\\w-]+)?(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)?)?(?:,? [A-Z]{2} \\d{5}(?:-\\d{4})?)?`, "g"),
  },
  {
    kind: "address",
    re: new RegExp(`(?:[${HAN}]{2,6}(?:省|自治区|市))?(?:[${HAN}]{2,6}(?:市|区|县))?[${HAN}]{2,8}?(?:路|街|大道|大街|巷|胡同|弄)\\d{1,5}号(?:\\d{1,4}(?:栋|幢|楼|号楼))?(?:\\d{1,2}单元)?(?:\\d{1,5}室)?`, "g"),
  },
  {
    kind: "name",
    re: new RegExp(`\\b(?:${EN_HONORIFICS})\\.? ((?:(?:O'|Mc|Mac)?[A-Z][a-z]+|[A-Z]\\.)(?:[ -](?:O'|Mc|Mac)?[A-Z][a-z]+)?)`, "g"),
    group: 1,
    valid: (v) => !EN_NOT_NAMES.has(v.split(/[ -]/)[0]!),
  },
  {
    kind: "name",
    re: /\b([A-Z][a-z]+) ((?:[A-Z]\. )?(?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b/g,
    valid: (v) => EN_GIVEN_NAMES.has(v.split(" ")[0]!),
  },
  // Chinese names in Latin letters, surname first or last: "Wang Fang", "Zhang Xiaoming", "Fang Wang".
  {
    kind: "name",
    re: /\b([A-Z][a-z]{0,5}) ([A-Z][a-z]{1,11})\b/g,
    valid: (v) => isPinyinName(v),
  },
  {
    kind: "name",
    re: new RegExp(`((?:${ZH_DOUBLE_SURNAMES.join("|")}|[${ZH_SURNAMES}])[${HAN}]{1,2}?)(?=${ZH_TITLES})`, "g"),
    group: 1,
  },
  {
    kind: "name",
    re: new RegExp(`(?:${ZH_NAME_CUES})((?:${ZH_DOUBLE_SURNAMES.join("|")}|[${ZH_SURNAMES}])[${HAN}]{1,2})`, "g"),
    group: 1,
  },
];

/** Every piece of personal data found in a text, in order, none overlapping. */
export function findPii(text: string, kinds: readonly PiiKind[] = PII_KINDS): PiiSpan[] {
  const found: PiiSpan[] = [];
  const taken: [number, number][] = [];
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  for (const rule of RULES) {
    if (!kinds.includes(rule.kind)) continue;
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      let value = rule.group ? m[rule.group] : m[0];
      if (!value) continue;
      let start = rule.group ? m.index + m[0].lastIndexOf(value) : m.index;
      if (rule.kind === "name" && /[\u4e00-\u9fa5]/.test(value)) value = trimChineseName(value);
      value = value.replace(/[\s.,;:]+$/, "");
      const cue = rule.kind === "address" ? /^(?:住址|地址|家住|住在|位于|居住在|现住|寄往|寄到)[:：]?/.exec(value) : null;
      if (cue) {
        value = value.slice(cue[0].length);
        start += cue[0].length;
      }
      const end = start + value.length;
      const verdict = rule.valid ? rule.valid(value) : true;
      if (verdict === false || !free(start, end)) {
        // Retry from the next character: "Patient Robert Brown" fails as a name at "Patient" but not at "Robert".
        rule.re.lastIndex = m.index + 1;
        continue;
      }
      found.push({ kind: rule.kind, start, end, text: value, ...(typeof verdict === "string" ? { scheme: verdict } : {}) });
      taken.push([start, end]);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** "张伟今" becomes "张伟": a given name does not run into a following verb or particle. */
function trimChineseName(name: string): string {
  const double = ZH_DOUBLE_SURNAMES.some((s) => name.startsWith(s));
  const surname = double ? 2 : 1;
  let end = name.length;
  for (let i = surname + 1; i < name.length; i++) if (ZH_NAME_STOP.includes(name[i]!)) end = Math.min(end, i);
  return name.slice(0, Math.max(surname + 1, end));
}

/** One or two pinyin syllables, written as one word without tones ("Fang", "Xiaoming"). */
const PINYIN_GIVEN = /^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u)){1,2}$/;

/** English words that also parse as pinyin syllables but are no given names ("Song Lane" is a street). */
const PINYIN_LOOKALIKES = new Set(`${STREET.split("|").join(" ")} Line Fine Pine Wine Dine Mine Nine Bone Tone Zone Gone Done Cane Mane Pane Sane Gene Hang Bang Sang Rang Tune Dune Lake Bank Hotel`.split(" "));

/** "Wang Fang" or "Fang Wang": a common surname and a given name that reads as pinyin, and not two English words. */
function isPinyinName(v: string): boolean {
  const [first, second] = v.split(" ") as [string, string];
  const given = (w: string) => PINYIN_GIVEN.test(w.toLowerCase()) && !EN_NOT_NAMES.has(w) && !PINYIN_LOOKALIKES.has(w);
  return (PINYIN_SURNAMES.has(first) && given(second)) || (PINYIN_SURNAMES.has(second) && given(first) && EN_GIVEN_NAMES.has(first));
}
