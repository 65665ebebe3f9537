import type { DraftChecks, PiiKind } from "../../contract/dto";
import { detectLanguage, type Language } from "../data/detectLanguage";
import { shingles } from "../data/findNearDuplicates";
import { findPii } from "../data/findPii";
import { contentUnits } from "./contentUnits";

/** Thresholds of the checks; each has a default. */
export interface DraftCheckSettings {
  /** Share of the answer's content units found in the passage at or above which it is supported. Default 0.6. */
  supportShare: number;
  /** Jaccard similarity of two questions (word or character-bigram sets) at or above which they are duplicates. Default 0.8. */
  duplicateSimilarity: number;
  /** Fewest words (English) or characters (Chinese) of a question and of an answer. Default 3 / 4. */
  minWords: number;
  minChineseChars: number;
  /** Most words (English) or characters (Chinese) of an answer. Default 250 / 500. */
  maxAnswerWords: number;
  maxAnswerChineseChars: number;
}

export const DEFAULT_DRAFT_CHECKS: DraftCheckSettings = {
  supportShare: 0.6,
  duplicateSimilarity: 0.8,
  minWords: 3,
  minChineseChars: 4,
  maxAnswerWords: 250,
  maxAnswerChineseChars: 500,
};

/**
 * The questions a job has drafted so far, for the duplicate check: each new question is compared with all of them
 * (exact after normalising, or near by Jaccard similarity of word / character-bigram sets).
 */
export class QuestionIndex {
  private readonly sets: Set<string>[] = [];
  private readonly exact = new Set<string>();

  constructor(
    questions: Iterable<string> = [],
    private readonly threshold = DEFAULT_DRAFT_CHECKS.duplicateSimilarity,
  ) {
    for (const q of questions) this.add(q);
  }

  /** Whether the question repeats (or nearly) one already added. */
  has(question: string): boolean {
    if (this.exact.has(normalize(question))) return true;
    const s = shingles(question);
    if (s.size === 0) return false;
    return this.sets.some((t) => jaccard(s, t) >= this.threshold);
  }

  add(question: string): void {
    this.exact.add(normalize(question));
    const s = shingles(question);
    if (s.size) this.sets.push(s);
  }
}

/**
 * The checks of one drafted pair against its passage: supported by the passage (most of its content words, and every
 * number, found there), a duplicate of an earlier
 * question of the job, its length, its language against the passage's, personal data in it. Pure.
 */
export function checkDraft(
  pair: { question: string; answer: string },
  passage: string,
  earlier: QuestionIndex,
  settings: DraftCheckSettings = DEFAULT_DRAFT_CHECKS,
): DraftChecks {
  const supported = supportShare(pair.answer, passage) >= settings.supportShare && numbersFound(pair.answer, passage);
  const duplicate = earlier.has(pair.question);
  const length = lengthOf(pair, settings);
  const language = languageOf(pair, detectLanguage(passage));
  const personalData = [...new Set(findPii(`${pair.question}\n${pair.answer}`).map((s) => s.kind))] as PiiKind[];
  const passed = supported && !duplicate && length === "ok" && language === "ok" && personalData.length === 0;
  return { supported, duplicate, length, language, personalData, passed };
}

/** Share of the answer's content units (words, Chinese bigrams) that the passage has; 0 when it has none. */
export function supportShare(answer: string, passage: string): number {
  const units = contentUnits(answer);
  if (units.length === 0) return 0;
  const inPassage = new Set(contentUnits(passage));
  return units.filter((u) => inPassage.has(u)).length / units.length;
}

/** Every number of the answer is in the passage (a dose, a deadline, an amount must never be made up). */
export function numbersFound(answer: string, passage: string): boolean {
  const numbers = (t: string) => t.match(/\d+(?:[.,]\d+)*/g) ?? [];
  const inPassage = new Set(numbers(passage));
  return numbers(answer).every((n) => inPassage.has(n));
}

function lengthOf(pair: { question: string; answer: string }, s: DraftCheckSettings): DraftChecks["length"] {
  const size = (t: string) => {
    const han = (t.match(/[\u3400-\u4dbf\u4e00-\u9fff]/g) ?? []).length;
    const words = (t.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !/[\u3400-\u9fff]/.test(w)).length;
    return { han, words, short: han >= words ? han < s.minChineseChars : words < s.minWords };
  };
  const q = size(pair.question);
  const a = size(pair.answer);
  if (q.short || a.short) return "too-short";
  if (a.han >= a.words ? a.han > s.maxAnswerChineseChars : a.words > s.maxAnswerWords) return "too-long";
  return "ok";
}

/** "differs" when the pair is not in the passage's language (English or Chinese); other passages are not judged. */
function languageOf(pair: { question: string; answer: string }, passage: Language): DraftChecks["language"] {
  if (passage !== "en" && passage !== "zh") return "ok";
  const q = detectLanguage(pair.question);
  const a = detectLanguage(pair.answer);
  return q === passage && a === passage ? "ok" : "differs";
}

function normalize(q: string): string {
  return q.toLowerCase().replace(/[\s\p{P}]+/gu, " ").trim();
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}
