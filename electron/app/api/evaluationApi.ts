import type { StudioApiImpl } from "../../contract/StudioApi";
import type { ApiContext } from "./ApiContext";

type EvaluationApi = Pick<
  StudioApiImpl,
  "listGoldenQuestions" | "addGoldenQuestions" | "importGoldenQuestions" | "deleteGoldenQuestion" | "evaluateRun" | "getEvaluation" | "listBlindPairs" | "rateBlindPair" | "signOff" | "renderReport"
>;

/** Evaluation and sign-off (issue 9): being built. */
export function evaluationApi(_ctx: ApiContext): Partial<EvaluationApi> {
  return {};
}
