/** A piece of a passage: plain text, or a sentence the answer relies on (shown in <mark>). */
export interface Segment {
  text: string;
  mark: boolean;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Splits a passage into plain and marked pieces. `spans` are in the document's offsets (like the passage's own
 * `start`), so they are shifted by `start`; spans that overlap or touch are merged, and parts outside the passage
 * are clipped (the server's spans should all lie inside, but a bad one must not break the page). A cut that would
 * fall inside a surrogate pair (an emoji, a rare CJK character) moves to keep the character whole.
 */
export function evidenceSegments(passage: string, start: number, spans: readonly { start: number; end: number }[]): Segment[] {
  const n = passage.length;
  const snap = (i: number) => (i > 0 && i < n && isLowSurrogate(passage.charCodeAt(i)) ? i - 1 : i);
  const ranges = spans
    .map((s) => [snap(Math.max(0, Math.min(n, s.start - start))), snap(Math.max(0, Math.min(n, s.end - start)))] as [number, number])
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b > a)
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const out: Segment[] = [];
  let at = 0;
  for (const [a, b] of merged) {
    if (a > at) out.push({ text: passage.slice(at, a), mark: false });
    out.push({ text: passage.slice(a, b), mark: true });
    at = b;
  }
  if (at < n || out.length === 0) out.push({ text: passage.slice(at), mark: false });
  return out;
}
