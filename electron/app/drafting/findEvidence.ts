import { contentUnits } from "./contentUnits";

export interface Span {
  start: number;
  end: number;
}

/** Ends of sentences in English and Chinese (as chunkDocument splits them), and line breaks. */
const SENTENCE_END = /[.!?]["')\]]?(?=\s)|[。！？；]["”’）」』]?|\n+/g;

/** The sentences of a text as [start, end) spans, trimmed, blank ones left out. */
export function sentenceSpans(text: string): Span[] {
  const out: Span[] = [];
  const push = (s: number, e: number) => {
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  let last = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    push(last, end);
    last = end;
  }
  push(last, text.length);
  return out;
}

/**
 * The passage's sentences the answer relies on, as spans in the document (passage offsets shifted by `offset`):
 * every sentence a quote of the model's evidence falls in (or that shares most of the quote's content units), and
 * every sentence at least half of whose content units the answer uses. Sorted, each sentence once; empty when
 * nothing matches.
 */
export function findEvidence(passage: string, answer: string, quotes: readonly string[], offset = 0, minShare = 0.5): Span[] {
  const sentences = sentenceSpans(passage);
  const answerUnits = new Set(contentUnits(answer));
  const chosen = new Set<number>();
  sentences.forEach((s, i) => {
    const units = contentUnits(passage.slice(s.start, s.end));
    if (units.length && units.filter((u) => answerUnits.has(u)).length / units.length >= minShare) chosen.add(i);
  });
  for (const quote of quotes) {
    const q = quote.trim();
    if (q.length < 4) continue;
    const at = passage.indexOf(q);
    if (at >= 0) {
      sentences.forEach((s, i) => s.start < at + q.length && at < s.end && chosen.add(i));
      continue;
    }
    const quoteUnits = contentUnits(q);
    if (!quoteUnits.length) continue;
    sentences.forEach((s, i) => {
      const units = new Set(contentUnits(passage.slice(s.start, s.end)));
      if (quoteUnits.filter((u) => units.has(u)).length / quoteUnits.length >= 0.8) chosen.add(i);
    });
  }
  return [...chosen].sort((a, b) => a - b).map((i) => ({ start: sentences[i]!.start + offset, end: sentences[i]!.end + offset }));
}
