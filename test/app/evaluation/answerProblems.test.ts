import { describe, expect, it } from "vitest";
import { answerProblems, isDegenerate } from "../../../electron/app/evaluation/answerProblems";
import type { EvalReport, ScoredExample } from "../../../electron/app/evaluation/EvalReport";
import { evaluationWarnings } from "../../../electron/app/evaluation/evaluationWarnings";

const scores = (text: string) => ({ text, exactMatch: 0, f1: 0, rougeL: 0, bleu: 0 });
const example = (base: string, tuned: string): ScoredExample => ({ exampleId: "e", question: "q", reference: "r", base: scores(base), tuned: scores(tuned) });
const report = (examples: ScoredExample[]) =>
  ({
    settings: { forgettingMargin: 0.1 },
    general: [],
    memorization: { probes: [], verbatimBase: 0, verbatimTuned: 0, personalDataReproduced: [], trainingSpans: 0 },
    metrics: { "heldOut.loss": { base: 3, tuned: 2 } },
    task: { source: "validation", examples },
    golden: [],
  }) as unknown as EvalReport;

describe("answers that scores cannot judge", () => {
  it("finds repetitive answers, not ordinary ones", () => {
    expect(isDegenerate("the the the the the the the the the the")).toBe(true);
    expect(isDegenerate("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")).toBe(true);
    expect(isDegenerate("We are open Monday to Friday from 8:00 to 18:00 and on Saturday mornings.")).toBe(false);
    expect(isDegenerate("Yes.")).toBe(false);
  });

  it("counts empty, repetitive and unchanged answers", () => {
    expect(answerProblems([{ base: "", tuned: " " }, { base: "a b", tuned: "a b" }, { base: "x", tuned: "no no no no no no no no no" }])).toEqual({
      answers: 3,
      emptyBase: 1,
      emptyTuned: 1,
      degenerateTuned: 1,
      sameAsBase: 1,
    });
  });

  it("turns empty answers on both sides into something to check (they used to pass as 'Nothing to flag')", () => {
    const w = evaluationWarnings(report([example("", ""), example("", "")]), []);
    expect(w.map((x) => x.en).join("\n")).toMatch(/Empty answers: the tuned model gave no answer to 2 of 2 questions\. The base model left 2 empty too/);
    expect(w.every((x) => x.zh.length > 0)).toBe(true);
    expect(evaluationWarnings(report([example("Open 8 to 6.", "We open at 8.")]), [])).toEqual([]);
    expect(evaluationWarnings(report([example("Open 8 to 6.", "Open 8 to 6.")]), []).map((x) => x.en).join()).toMatch(/No visible change: 1 of 1/);
  });
});
