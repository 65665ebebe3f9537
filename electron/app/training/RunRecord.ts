import type { TrainingOutcome } from "../../engine/training/runTrainingJob";
import type { TrainJob } from "../../engine/training/TrainJob";
import type { Localized } from "../data/types";

/** "paused": checkpointed at the user's pause, its worker ended (the app closed meanwhile); resume continues it. */
export type RunStatus = "running" | "paused" | "finished" | "failed" | "interrupted" | "cancelled";

/** DIR/run.json: the training record, rewritten atomically as the run progresses. */
export interface RunRecord {
  version: 1;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  baseModel: { path: string; sha256: string; architecture: string; parameters: number };
  data: {
    files: { path: string; sha256?: string }[];
    /** sha256 of the prepared sequences trained on (train.jsonl then validation.jsonl). */
    sha256: string;
    trainExamples: number;
    validationExamples: number;
    excludedExamples: number;
    truncatedExamples: number;
    /** The dataset record (import report, split, redactions), relative to the run folder. */
    datasetRecord: string;
  };
  job: TrainJob;
  /** Each start of the worker: a fresh run, then any resumes. */
  attempts: { startedAt: string; endedAt?: string; fromStep: number | null; status?: RunStatus; cause?: string }[];
  /** Settings given up after running out of memory, in order (trainWithStepDown). */
  stepDowns?: { at: string; change: { field: string; from: number | boolean; to: number | boolean }; reason: Localized }[];
  result?: TrainingOutcome;
  error?: { code: string; message: string; resumable: boolean };
}
