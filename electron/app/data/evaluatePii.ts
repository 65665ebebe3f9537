import { findPii, PII_KINDS, type PiiKind } from "./findPii";

export interface LabelledText {
  text: string;
  /** [kind, exact text of the span]; a text may hold the same span text once per label. */
  pii: [PiiKind, string][];
}

export interface PiiScore {
  kind: PiiKind;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

/**
 * Precision and recall of the detectors per kind on a labelled set. A detection counts as right when it has the
 * labelled kind and overlaps the labelled span; each label is matched at most once.
 */
export function evaluatePii(items: LabelledText[]): { perKind: PiiScore[]; mistakes: { text: string; missed: string[]; wrong: string[] }[] } {
  const tally = new Map(PII_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]));
  const mistakes: { text: string; missed: string[]; wrong: string[] }[] = [];
  for (const item of items) {
    const gold = item.pii.map(([kind, span]) => {
      const start = item.text.indexOf(span);
      return { kind, start, end: start + span.length, span, matched: false };
    });
    const wrong: string[] = [];
    for (const found of findPii(item.text)) {
      const g = gold.find((x) => !x.matched && x.kind === found.kind && found.start < x.end && found.end > x.start);
      if (g) {
        g.matched = true;
        tally.get(found.kind)!.tp++;
      } else {
        tally.get(found.kind)!.fp++;
        wrong.push(`${found.kind}:${found.text}`);
      }
    }
    const missed = gold.filter((g) => !g.matched).map((g) => `${g.kind}:${g.span}`);
    for (const g of gold) if (!g.matched) tally.get(g.kind)!.fn++;
    if (missed.length || wrong.length) mistakes.push({ text: item.text, missed, wrong });
  }
  const perKind = PII_KINDS.map((kind) => {
    const { tp, fp, fn } = tally.get(kind)!;
    return { kind, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
  });
  return { perKind, mistakes };
}
