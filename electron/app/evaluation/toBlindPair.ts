import type { BlindPair, BlindSummary } from "../../contract/dto";
import type { StoredBlindPair } from "../store/blindPairs";
import { wilsonInterval } from "./wilsonInterval";

/**
 * A pair as the rater's page receives it. Note: before rating, nothing in it can tell the sides apart: the answers
 * sit under "left"/"right" by the stored random side, `revealed` is null, and the id is a random UUID; which side is
 * tuned goes out only with the rating.
 */
export function toBlindPair(p: StoredBlindPair): BlindPair {
  const left = p.tunedSide === "left" ? p.tunedAnswer : p.baseAnswer;
  const right = p.tunedSide === "left" ? p.baseAnswer : p.tunedAnswer;
  return {
    id: p.id,
    evaluationId: p.evaluationId,
    question: p.question,
    reference: p.reference,
    left,
    right,
    revealed: p.choice === null ? null : { tunedSide: p.tunedSide, choice: p.choice, comment: p.comment },
  };
}

/** Tuned wins, base wins and ties over the rated pairs; the win rate among decided pairs with its Wilson 95% interval. */
export function blindSummary(pairs: readonly StoredBlindPair[]): BlindSummary {
  const rated = pairs.filter((p) => p.choice !== null);
  const tunedWins = rated.filter((p) => p.choice === p.tunedSide).length;
  const ties = rated.filter((p) => p.choice === "tie").length;
  const baseWins = rated.length - tunedWins - ties;
  const decided = tunedWins + baseWins;
  return { rated: rated.length, tunedWins, baseWins, ties, winRate: decided ? tunedWins / decided : null, interval: wilsonInterval(tunedWins, decided) };
}
