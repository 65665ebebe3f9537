import { z } from "zod";
import type { TrainingOutcome } from "./runTrainingLoop";
import { TrainConfigSchema } from "./TrainConfig";
import type { TrainingEvent } from "./trainingEvents";

/** What the training worker is asked to do. Paths are absolute. */
export const TrainJobSchema = z.object({
  modelPath: z.string().min(1),
  /** Prepared sequences: JSONL of {tokens, lossMask} (electron/app/data's TrainingItem). */
  trainPath: z.string().min(1),
  validationPath: z.string().min(1).nullable(),
  /** The run folder: adapter.gguf, metrics.jsonl, run.json, checkpoints/. */
  outDir: z.string().min(1),
  config: TrainConfigSchema,
  /** Force a tfjs backend (default: the first that loads). */
  backend: z.enum(["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"]).optional(),
  /** Continue from the newest checkpoint in outDir/checkpoints. */
  resume: z.boolean().default(false),
});
export type TrainJob = z.infer<typeof TrainJobSchema>;

/** Messages the parent sends to a training worker. */
export type TrainWorkerCommand = { type: "start"; job: TrainJob } | { type: "pause" } | { type: "resume" } | { type: "cancel" };

/** Messages a training worker sends to its parent. */
export type TrainWorkerMessage =
  | { type: "ready" }
  | { type: "event"; event: TrainingEvent }
  | { type: "done"; outcome: TrainingOutcome }
  | { type: "error"; error: { code: string; message: string } };
