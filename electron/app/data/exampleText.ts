import type { Example } from "./types";

/** All of an example's text, for duplicate, language and personal-data checks. */
export function exampleText(e: Example): string {
  return e.kind === "chat" ? (e.messages ?? []).map((m) => m.content).join("\n") : (e.text ?? "");
}

/** The text with case and whitespace differences removed, for exact-duplicate detection. */
export function normalizedText(e: Example): string {
  return (e.kind === "chat" ? (e.messages ?? []).map((m) => `${m.role}:${m.content}`).join("\n") : (e.text ?? "")).toLowerCase().replace(/\s+/g, " ").trim();
}

/** FNV-1a, 32 bits, with a seed: for deterministic hashing (MinHash, the split). */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32), so nearby seeds give unrelated values.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
