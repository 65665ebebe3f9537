/**
 * Answers that cannot be judged on their scores alone: empty (or only spaces), degenerate (one word or character
 * repeated, as an untrained or over-trained model writes), and tuned answers identical to the base model's.
 */
export interface AnswerProblems {
  answers: number;
  emptyBase: number;
  emptyTuned: number;
  degenerateTuned: number;
  sameAsBase: number;
}

/** True for a long answer made of very few distinct words or characters ("the the the ...", "!!!!!!!!"). */
export function isDegenerate(text: string): boolean {
  const t = text.trim();
  if (t.length < 24) return false;
  const words = t.split(/\s+/);
  if (words.length >= 8 && new Set(words).size / words.length < 0.25) return true;
  const chars = [...t.replace(/\s/g, "")];
  return chars.length >= 24 && new Set(chars).size <= 3;
}

export function answerProblems(pairs: readonly { base: string; tuned: string }[]): AnswerProblems {
  const empty = (s: string) => s.trim() === "";
  return {
    answers: pairs.length,
    emptyBase: pairs.filter((p) => empty(p.base)).length,
    emptyTuned: pairs.filter((p) => empty(p.tuned)).length,
    degenerateTuned: pairs.filter((p) => !empty(p.tuned) && isDegenerate(p.tuned)).length,
    sameAsBase: pairs.filter((p) => !empty(p.tuned) && p.tuned.trim() === p.base.trim()).length,
  };
}
