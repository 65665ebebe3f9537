import { hash32, normalizedText } from "./exampleText";
import { findNearDuplicates } from "./findNearDuplicates";
import type { Example } from "./types";

export interface SplitSettings {
  /** Seed of the deterministic shuffle. Default 42. */
  seed: number;
  /** Share of examples for validation. Default 0.1. */
  fraction: number;
  /** Fewest validation examples (when there are enough examples to spare). Default 5. */
  min: number;
  /** Most validation examples. Default 200. */
  max: number;
}

export const DEFAULT_SPLIT: SplitSettings = { seed: 42, fraction: 0.1, min: 5, max: 200 };

export interface SplitResult {
  train: Example[];
  validation: Example[];
  settings: SplitSettings;
  /** Groups kept together: chunks of one document, exact and near duplicates. */
  groups: number;
}

/**
 * How many examples go to validation: `fraction` of them, at least `min` and at most `max`, and never more than a
 * quarter of the data (so that small sets keep most for training); none with fewer than 2 examples.
 */
export function validationSize(n: number, s: SplitSettings = DEFAULT_SPLIT): number {
  if (n < 2) return 0;
  const target = Math.min(s.max, Math.max(s.min, Math.round(n * s.fraction)));
  return Math.max(1, Math.min(target, Math.floor(n / 4)));
}

/**
 * Splits examples into training and validation, deterministically by seed. Note: whole groups move together,
 * chunks of one document and (near-)duplicates alike, so that no validation example has a twin in training;
 * groups are taken in seeded-hash order until the validation size is reached, skipping ones that would overshoot.
 */
export function splitDataset(examples: Example[], settings: Partial<SplitSettings> = {}, nearPairs?: { a: number; b: number }[]): SplitResult {
  const s = { ...DEFAULT_SPLIT, ...settings };
  const parent = examples.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const byKey = new Map<string, number>();
  examples.forEach((e, i) => {
    for (const key of [e.group, `text:${normalizedText(e)}`]) {
      if (!key) continue;
      const first = byKey.get(key);
      if (first === undefined) byKey.set(key, i);
      else union(first, i);
    }
  });
  // Note: near-duplicates chain (templated data can link hundreds), and one giant group would leave validation
  // empty; so a near-duplicate link joins two groups only while the result stays small. Links left out are
  // reported by the quality report's train/validation overlap check.
  const size = new Map<number, number>();
  examples.forEach((_, i) => size.set(find(i), (size.get(find(i)) ?? 0) + 1));
  const cap = Math.max(3, Math.floor(examples.length * 0.02));
  for (const { a, b } of nearPairs ?? findNearDuplicates(examples)) {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb || size.get(ra)! + size.get(rb)! > cap) continue;
    union(ra, rb);
    size.set(find(ra), size.get(ra)! + size.get(rb)!);
  }

  const groups = new Map<number, number[]>();
  examples.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const order = [...groups.entries()]
    .map(([root, members]) => ({ key: hash32(examples[root]!.id, s.seed), members }))
    .sort((a, b) => a.key - b.key);
  const target = validationSize(examples.length, s);
  const inValidation = new Set<number>();
  for (const g of order) {
    if (inValidation.size >= target) break;
    if (inValidation.size + g.members.length > target) continue;
    for (const m of g.members) inValidation.add(m);
  }
  // Still short (only larger groups left): the smallest remaining group goes too, overshooting a little.
  if (inValidation.size < target) {
    const rest = order.filter((g) => !inValidation.has(g.members[0]!)).sort((a, b) => a.members.length - b.members.length)[0];
    if (rest && rest.members.length < examples.length - inValidation.size) for (const m of rest.members) inValidation.add(m);
  }
  return {
    train: examples.filter((_, i) => !inValidation.has(i)),
    validation: examples.filter((_, i) => inValidation.has(i)),
    settings: s,
    groups: groups.size,
  };
}
