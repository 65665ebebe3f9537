import { exampleText, hash32 } from "./exampleText";
import type { Example } from "./types";

export interface NearDuplicateOptions {
  /** Jaccard similarity of shingle sets at or above which two examples are near-duplicates. Default 0.8. */
  threshold?: number;
}

const HASHES = 64;
const BANDS = 16; // 16 bands of 4 rows: pairs at Jaccard 0.8 are caught with probability > 0.99
const ROWS = HASHES / BANDS;

/**
 * Pairs of examples whose texts are nearly the same (word 3-grams; character 2-grams for Chinese), found with
 * MinHash and locality-sensitive hashing so that 100,000 examples take seconds, each candidate then checked by
 * its exact Jaccard similarity. Returns index pairs [i, j] with i < j and the similarity.
 */
export function findNearDuplicates(examples: Example[], options: NearDuplicateOptions = {}): { a: number; b: number; similarity: number }[] {
  const threshold = options.threshold ?? 0.8;
  const shingleSets = examples.map((e) => shingles(exampleText(e)));
  const buckets = new Map<string, number[]>();
  const sig = new Uint32Array(HASHES);
  shingleSets.forEach((set, idx) => {
    if (set.size === 0) return;
    sig.fill(0xffffffff);
    for (const s of set) {
      const base = hash32(s);
      const base2 = hash32(s, 0x9e3779b9) | 1;
      for (let h = 0; h < HASHES; h++) {
        const v = (base + Math.imul(h, base2)) >>> 0;
        if (v < sig[h]!) sig[h] = v;
      }
    }
    for (let b = 0; b < BANDS; b++) {
      const key = `${b}:${Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(",")}`;
      const list = buckets.get(key);
      if (list) list.push(idx);
      else buckets.set(key, [idx]);
    }
  });
  const seen = new Set<string>();
  const pairs: { a: number; b: number; similarity: number }[] = [];
  for (const list of buckets.values()) {
    if (list.length < 2) continue;
    // Note: a bucket shared by very many examples (boilerplate) is capped; the exact-duplicate check covers copies.
    const capped = list.slice(0, 200);
    for (let x = 0; x < capped.length; x++) {
      for (let y = x + 1; y < capped.length; y++) {
        const a = capped[x]!;
        const b = capped[y]!;
        const key = `${a},${b}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const similarity = jaccard(shingleSets[a]!, shingleSets[b]!);
        if (similarity >= threshold) pairs.push({ a, b, similarity });
      }
    }
  }
  return pairs.sort((p, q) => p.a - q.a || p.b - q.b);
}

const SHORT_WORDS = 24;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function shingles(text: string): Set<string> {
  const lower = text.toLowerCase();
  const out = new Set<string>();
  // Latin words in 3-grams (single words for short texts, where one changed word would move most 3-grams),
  // Chinese characters in 2-grams: sets where one changed word moves few members.
  const words = lower.match(/[\p{L}\p{N}]+/gu) ?? [];
  const latin = words.filter((w) => !CJK.test(w));
  if (latin.length <= SHORT_WORDS) for (const w of latin) out.add(w);
  else for (let i = 0; i + 2 < latin.length; i++) out.add(`${latin[i]} ${latin[i + 1]} ${latin[i + 2]}`);
  const han = [...lower].filter((c) => CJK.test(c));
  for (let i = 0; i + 1 < han.length; i++) out.add(han[i]! + han[i + 1]!);
  if (han.length === 1) out.add(han[0]!);
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const s of small) if (large.has(s)) inter++;
  return inter / (a.size + b.size - inter);
}
