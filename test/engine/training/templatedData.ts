import { ChatFormatter } from "../../../electron/app/data/ChatFormatter";
import type { TrainingSequence } from "../../../electron/engine/training/makeBatch";

const FACTS = [
  ["France", "Paris"],
  ["Germany", "Berlin"],
  ["Japan", "Tokyo"],
  ["China", "Beijing"],
  ["Italy", "Rome"],
  ["Spain", "Madrid"],
] as const;

/** A templated Q&A dataset: the answer follows from the question, so a LoRA can learn it quickly. */
export function templatedExamples(n: number): { prompt: string; completion: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const [country, capital] = FACTS[i % FACTS.length]!;
    return { prompt: `What is the capital of ${country}? (question ${i})`, completion: `The capital of ${country} is ${capital}.` };
  });
}

/** The same examples rendered with the model's own chat template, loss on the answers only. */
export async function templatedSequences(modelPath: string, n: number): Promise<TrainingSequence[]> {
  const formatter = await ChatFormatter.load(modelPath);
  try {
    return templatedExamples(n).map((e) =>
      formatter.renderChat([
        { role: "user", content: e.prompt },
        { role: "assistant", content: e.completion },
      ]),
    );
  } finally {
    await formatter.dispose();
  }
}
