import type { BlindSummary } from "../../contract/dto";
import type { DatasetRecord } from "../data/prepareDataset";
import type { RunRecord } from "../training/RunRecord";
import type { EvalReport } from "./EvalReport";

export interface LossPoint {
  step: number;
  loss: number | null;
  valLoss: number | null;
}

/** Everything a report shows: read from the run folder, plus the review and sign-off from the store. */
export interface ReportInput {
  runDir: string;
  record: RunRecord;
  dataset: DatasetRecord | null;
  losses: LossPoint[];
  evaluation: EvalReport | null;
  blind: BlindSummary | null;
  /** Rated pairs, revealed (the report is written after rating). */
  ratedPairs: { question: string; choice: "left" | "right" | "tie"; tunedSide: "left" | "right"; comment: string | null }[];
  signOff: { name: string; date: string; comment: string } | null;
  generatedAt: string;
}
