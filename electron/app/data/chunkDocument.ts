import { estimateTokens, type CountTokens } from "./estimateTokens";

export interface ChunkOptions {
  /** Most tokens in one chunk (the sequence length less room for BOS/EOS). */
  maxTokens: number;
  /** Tokens repeated from the end of one chunk at the start of the next, so no passage loses its context. */
  overlapTokens?: number;
  countTokens?: CountTokens;
}

export interface DocumentChunk {
  text: string;
  /** Offset of the chunk's first character in the document text. */
  start: number;
}

interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** The unit begins a paragraph: the preferred place to end a chunk before. */
  paragraph: boolean;
}

/** Ends of sentences in English and Chinese: the break comes after the mark (and a closing quote). */
const SENTENCE_END = /[.!?]["')\]]?(?=\s)|[。！？；]["”’）」』]?/g;

/**
 * Splits a document into chunks of at most `maxTokens` tokens: sentences packed greedily, each chunk ending at a
 * paragraph end where one lies in its second half, else at a sentence end (a single sentence longer than a chunk
 * is cut by characters); each chunk starts with the last sentences of the one before, about `overlapTokens`.
 */
export function chunkDocument(text: string, options: ChunkOptions): DocumentChunk[] {
  const count = options.countTokens ?? estimateTokens;
  const max = Math.max(8, options.maxTokens);
  const overlap = Math.min(options.overlapTokens ?? Math.floor(max / 8), Math.floor(max / 2));
  const units: Unit[] = [];
  for (const para of spans(text, /\n\s*\n/g)) {
    const pieces = sentences(text, para).flatMap((s) => {
      const t = count(text.slice(s.start, s.end));
      return t <= max ? [{ ...s, tokens: t }] : hardSplit(text, s, max, count);
    });
    pieces.forEach((u, k) => units.push({ ...u, paragraph: k === 0 }));
  }
  const chunks: DocumentChunk[] = [];
  let i = 0;
  while (i < units.length) {
    // Note: units are counted alone; the seam between two costs a token or so, hence the +1 per unit.
    let tokens = units[i]!.tokens;
    let j = i + 1;
    while (j < units.length && tokens + units[j]!.tokens + 1 <= max) tokens += units[j++]!.tokens + 1;
    if (j < units.length) {
      let used = units[i]!.tokens;
      let best = -1;
      for (let k = i + 1; k < j; k++) {
        if (units[k]!.paragraph && used >= max / 2) best = k;
        used += units[k]!.tokens + 1;
      }
      if (best > 0) j = best;
    }
    chunks.push({ text: text.slice(units[i]!.start, units[j - 1]!.end), start: units[i]!.start });
    if (j >= units.length) break;
    let back = j;
    let shared = 0;
    while (back - 1 > i && shared + units[back - 1]!.tokens <= overlap) shared += units[--back]!.tokens + 1;
    i = back;
  }
  return chunks;
}

/** Non-blank pieces of text between separators, trimmed, with their offsets. */
function spans(text: string, separator: RegExp, from = 0, to = text.length): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = new RegExp(separator.source, "g");
  const slice = text.slice(from, to);
  let last = 0;
  const push = (a: number, b: number) => {
    let s = from + a;
    let e = from + b;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    push(last, m.index);
    last = m.index + m[0].length;
  }
  push(last, slice.length);
  return out;
}

function sentences(text: string, span: { start: number; end: number }): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const slice = text.slice(span.start, span.end);
  const re = new RegExp(SENTENCE_END.source, "g");
  let last = 0;
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    const end = m.index + m[0].length;
    out.push(...trimmed(text, span.start + last, span.start + end));
    last = end;
  }
  out.push(...trimmed(text, span.start + last, span.end));
  return out;
}

function trimmed(text: string, s: number, e: number): { start: number; end: number }[] {
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return e > s ? [{ start: s, end: e }] : [];
}

/** Splits an over-long sentence into pieces that fit, at spaces where there are any. */
function hardSplit(text: string, span: { start: number; end: number }, max: number, count: CountTokens): Omit<Unit, "paragraph">[] {
  const out: Omit<Unit, "paragraph">[] = [];
  let start = span.start;
  while (start < span.end) {
    // Grow by halves: find the longest end whose piece fits.
    let lo = start + 1;
    let hi = span.end;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (count(text.slice(start, mid)) <= max) lo = mid;
      else hi = mid - 1;
    }
    let end = lo;
    if (end < span.end) {
      const space = text.lastIndexOf(" ", end);
      if (space > start + (end - start) / 2) end = space;
    }
    out.push({ start, end, tokens: count(text.slice(start, end)) });
    start = end;
    while (start < span.end && text[start] === " ") start++;
  }
  return out;
}
