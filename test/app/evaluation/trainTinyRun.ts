import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { prepareTrainingRun, startTrainingRun } from "../../../electron/app/training/trainRun";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";

/**
 * A tiny qwen2 model trained on the templated capitals Q&A with a validation split: the fixture of the evaluation
 * tests. Note on the settings: the tiny preset learns the six answers in ~150 steps at lr 1e-2 (see
 * test/engine/inference/chatAcceptance.test.ts), under a minute on two busy cores.
 */
export async function trainTinyRun(dir: string, steps = 150, rank = 8): Promise<{ runDir: string; modelPath: string }> {
  const modelPath = join(dir, "tiny.gguf");
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: modelPath, seed: 2 });
  const data = join(dir, "capitals.jsonl");
  writeFileSync(data, capitals(42).map((e) => JSON.stringify(e)).join("\n") + "\n");
  const config = TrainConfigSchema.parse({
    lr: 1e-2,
    maxSteps: steps,
    batchSize: 4,
    gradAccum: 1,
    seqLen: 96,
    evalEvery: Math.max(1, Math.floor(steps / 3)),
    checkpointEvery: 0,
    earlyStopPatience: 0,
    seed: 5,
    lora: { rank, alpha: 2 * rank, dropout: 0, targets: ["q", "k", "v", "o", "gate", "up", "down"] },
  });
  const runDir = join(dir, "run");
  const record = await prepareTrainingRun({ modelPath, dataPaths: [data], outDir: runDir, config, valSplit: 0.15 });
  const final = await startTrainingRun(record, () => {}).finished;
  if (final.status !== "finished") throw new Error(`the fixture run ${final.status}: ${final.error?.message}`);
  return { runDir, modelPath };
}

const FACTS = [
  ["France", "Paris"],
  ["Japan", "Tokyo"],
  ["Italy", "Rome"],
] as const;

/** Templated questions over three facts: the answer follows from the question, so the tiny model learns it in 150 steps. */
export function capitals(n: number): { prompt: string; completion: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const [country, capital] = FACTS[i % FACTS.length]!;
    return { prompt: `What is the capital of ${country}? (question ${i})`, completion: `The capital of ${country} is ${capital}.` };
  });
}
