import { bleu4 } from "./bleu4";
import type { AnswerScores } from "./EvalReport";
import { exactMatch } from "./exactMatch";
import { rougeL } from "./rougeL";
import { tokenF1 } from "./tokenF1";

/** Every task metric of one answer against its reference. */
export function scoreAnswer(text: string, reference: string): AnswerScores {
  return { text, exactMatch: exactMatch(text, reference), f1: tokenF1(text, reference), rougeL: rougeL(text, reference), bleu: bleu4(text, reference) };
}

/** Mean of each task metric over scored answers (null with none): the aggregate the report shows. */
export function meanScores(scores: readonly AnswerScores[]): Record<"exactMatch" | "f1" | "rougeL" | "bleu", number | null> {
  const mean = (k: "exactMatch" | "f1" | "rougeL" | "bleu") => (scores.length ? scores.reduce((s, a) => s + a[k], 0) / scores.length : null);
  return { exactMatch: mean("exactMatch"), f1: mean("f1"), rougeL: mean("rougeL"), bleu: mean("bleu") };
}
