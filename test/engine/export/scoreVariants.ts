import { scoreVariantsWithLlamaCpp, type LlamaCppScoreOptions } from "../../../electron/engine/inference/scoreWithLlamaCpp";

/** llama.cpp scores under several set-ups, one model load, on one thread (fast on a busy test machine). */
export function scoreVariants(modelPath: string, tokens: number[], variants: LlamaCppScoreOptions[]): Promise<number[][]> {
  return scoreVariantsWithLlamaCpp(modelPath, tokens, variants.map((v) => ({ ...v, threads: 1 })));
}
