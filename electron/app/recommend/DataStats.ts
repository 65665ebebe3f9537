import { inspectData } from "../data/inspectData";

/** What the recommender needs to know about the data: how many examples and how long they are in tokens. */
export interface DataStats {
  /** Usable examples (the excluded ones left out). */
  examples: number;
  /** Token lengths as training sees them (chat template applied), or estimates without a model. */
  tokens: { mean: number; p95: number; max: number };
  counter: "model" | "estimate";
}

export class DataStatsError extends Error {
  override name = "DataStatsError";
}

/** Reads the data files with the model's tokenizer and chat template (no limit on length: the recommender picks it). */
export async function dataStatsOf(paths: string[], modelPath: string, contextLength: number | null): Promise<DataStats> {
  const inspection = await inspectData(paths, { modelPath, seqLen: contextLength ?? 32768 });
  try {
    const tokens = inspection.report.tokens;
    const examples = inspection.examples.length - inspection.report.excluded.length;
    if (!tokens || examples === 0) throw new DataStatsError(`no usable example in ${paths.join(", ")}; run \`lora-studio data inspect\` on the files for details`);
    return { examples, tokens: { mean: tokens.mean, p95: tokens.p95, max: tokens.max }, counter: tokens.counter };
  } finally {
    await inspection.formatter?.dispose();
  }
}
