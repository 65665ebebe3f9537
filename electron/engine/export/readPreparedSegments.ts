import { readFile } from "node:fs/promises";
import type { Token } from "node-llama-cpp";
import { getLlamaRuntime } from "../inference/llamaRuntime";

/** One prepared sequence as text: consecutive tokens with the same loss-mask value, and whether they are trained on. */
export type Segments = { text: string; label: boolean }[];

/**
 * The run's prepared sequences (JSONL of {tokens, lossMask}) back as text segments, detokenized with the base
 * model's own vocabulary (special tokens as text). Note: from the prepared data, not the source files, so the
 * recipe carries the same split, truncation and personal-data redactions the run trained on. A leading BOS token is
 * dropped: the other tools' tokenizers add it themselves.
 */
export async function readPreparedSegments(modelPath: string, jsonlPaths: string[]): Promise<Segments[][]> {
  const llama = await getLlamaRuntime();
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  try {
    const bos = model.tokens.bos === null ? null : Number(model.tokens.bos);
    const out: Segments[][] = [];
    for (const path of jsonlPaths) {
      const lines = (await readFile(path, "utf8")).split("\n").filter((l) => l.trim());
      out.push(
        lines.map((line) => {
          const { tokens, lossMask } = JSON.parse(line) as { tokens: number[]; lossMask: number[] };
          const start = tokens[0] === bos ? 1 : 0;
          const segments: Segments = [];
          let from = start;
          for (let i = start + 1; i <= tokens.length; i++) {
            if (i === tokens.length || lossMask[i] !== lossMask[from]) {
              // The tokens before the slice are passed as context so a leading space is not lost at the cut.
              const text = model.detokenize(tokens.slice(from, i) as Token[], true, tokens.slice(start, from) as Token[]);
              segments.push({ text, label: lossMask[from] === 1 });
              from = i;
            }
          }
          return segments;
        }),
      );
    }
    return out;
  } finally {
    await model.dispose();
  }
}
