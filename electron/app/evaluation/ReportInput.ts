import type { BlindSummary } from "../../contract/dto";
import type { DatasetRecord } from "../data/prepareDataset";
import type { RunRecord } from "../training/RunRecord";
import type { EvalReport } from "./EvalReport";
import type { ExportParityEntry } from "./exportParityRecord";

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
  /**
   * The files the user gave (clinic-faq.jsonl), with their example counts, from the project's dataset (the store,
   * or DIR/project.json); null where unknown (a run trained from the CLI names its own files in dataset.json).
   */
  sourceFiles: { name: string; examples: number | null; sha256: string | null }[] | null;
  /** The export checks recorded in DIR/export-parity.json (none: not exported yet). */
  exportParity: ExportParityEntry[];
  /** The IANA time zone the report's times are shown in (default: this machine's). */
  timeZone: string;
}
