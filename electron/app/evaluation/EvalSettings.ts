import { z } from "zod";

/** How an evaluation runs; stored whole in eval.json. */
export const EvalSettingsSchema = z
  .object({
    /** Most question/answer examples answered for the task metrics (validation split first). */
    maxExamples: z.number().int().min(1).max(10_000).default(50),
    /** Longest greedy answer in tokens. */
    maxTokens: z.number().int().min(1).max(4096).default(128),
    /** Training examples probed for verbatim continuation. */
    memorizationProbes: z.number().int().min(0).max(10_000).default(20),
    /** Answer tokens given with the prompt before the probe asks for the continuation. */
    prefixTokens: z.number().int().min(1).max(512).default(8),
    /** N: a probe is verbatim when the next N greedy tokens equal the training continuation's next N. */
    continuationTokens: z.number().int().min(4).max(512).default(16),
    /** Relative worsening of general-text perplexity that raises the forgetting warning (0.1 = 10%). */
    forgettingMargin: z.number().min(0).max(10).default(0.1),
    /** Tokens per scoring window of the general-text sample. */
    generalWindow: z.number().int().min(16).max(4096).default(256),
    /** Worst examples (by tuned F1) listed in the report. */
    worstCount: z.number().int().min(0).max(100).default(5),
    /** Seed of the blind A/B order. */
    blindSeed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    /** llama.cpp CPU threads per context (0: the app's thread budget, threadsFor("evaluate")). */
    threads: z.number().int().min(0).max(256).default(0),
  })
  .strict();

export type EvalSettings = z.infer<typeof EvalSettingsSchema>;
export type EvalSettingsInput = z.input<typeof EvalSettingsSchema>;
