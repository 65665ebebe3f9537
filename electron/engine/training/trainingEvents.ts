/** What a training run reports, as JSON lines from the worker process (throttled by the caller where needed). */
export type TrainingEvent =
  | {
      type: "started";
      totalSteps: number;
      stepsPerEpoch: number;
      trainableParameters: number;
      /** Trainable share of all parameters, in percent (as PEFT prints it). */
      trainablePercent: number;
      trainExamples: number;
      validationExamples: number;
      backend: string;
      resumedFromStep: number | null;
      /** Resume was asked for but no checkpoint had been saved: the run started again from step 0. */
      restartedFromStart?: boolean;
      /** One line when WebGPU was tried and not used: why, and the backend used instead. */
      gpuNotice?: string;
      /** Newer checkpoints found damaged on resume and passed over for an older, whole one. */
      skippedCheckpoints?: { step: number; reason: string }[];
    }
  | {
      type: "step";
      step: number;
      totalSteps: number;
      /** Fractional epoch, e.g. 1.25. */
      epoch: number;
      loss: number;
      lr: number;
      /** Global gradient norm before clipping. */
      gradNorm: number;
      tokensPerSecond: number;
      etaSeconds: number;
      elapsedSeconds: number;
      peakRssMb: number;
      /** Sequences cut to the sequence length so far. */
      truncated: number;
      /** Frobenius norms of each adapter's A and B. */
      norms: { layer: number; proj: string; a: number; b: number }[];
    }
  | { type: "eval"; step: number; valLoss: number; bestValLoss: number; improved: boolean; evalsWithoutImprovement: number }
  | { type: "checkpoint"; step: number; path: string; reason: "interval" | "pause" | "cancel" | "end" }
  | { type: "paused"; step: number }
  | { type: "resumed"; step: number }
  | { type: "finished"; reason: FinishReason; step: number; finalLoss: number | null; bestValLoss: number | null; bestStep: number | null }
  | { type: "failed"; step: number; error: { code: string; message: string }; resumable: boolean };

export type FinishReason = "completed" | "early-stopped" | "cancelled";
