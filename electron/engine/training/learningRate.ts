export const LR_SCHEDULES = ["cosine", "linear", "constant"] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

export interface LrScheduleConfig {
  /** Peak learning rate, reached at the end of warmup. */
  lr: number;
  schedule: LrSchedule;
  /** Optimizer steps of linear warmup from 0 to lr. */
  warmupSteps: number;
  /** Total optimizer steps of the run (the decay reaches minLr there). */
  totalSteps: number;
  /** Floor of the cosine and linear decay, as a fraction of lr. */
  minLrRatio: number;
}

/**
 * Learning rate for optimizer step `step` (0-based): linear warmup, then cosine, linear or no decay to
 * minLrRatio * lr, shaped like Hugging Face's get_cosine_schedule_with_warmup and friends. Note: warmup is
 * lr * (step + 1) / (warmupSteps + 1), not HF's lr * step / warmupSteps, so that the first step already learns.
 */
export function learningRate(step: number, c: LrScheduleConfig): number {
  if (c.warmupSteps > 0 && step < c.warmupSteps) return (c.lr * (step + 1)) / (c.warmupSteps + 1);
  const decaySteps = Math.max(1, c.totalSteps - c.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - c.warmupSteps) / decaySteps));
  const min = c.lr * c.minLrRatio;
  switch (c.schedule) {
    case "cosine":
      return min + (c.lr - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    case "linear":
      return min + (c.lr - min) * (1 - progress);
    case "constant":
      return c.lr;
    default:
      return c.schedule satisfies never;
  }
}
