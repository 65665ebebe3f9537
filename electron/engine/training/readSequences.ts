import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { TrainingSequence } from "./makeBatch";

/** Reads prepared sequences (JSONL of {tokens, lossMask}); a malformed line is an error naming file and line. */
export async function readSequences(path: string): Promise<TrainingSequence[]> {
  const out: TrainingSequence[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    let item: { tokens?: unknown; lossMask?: unknown };
    try {
      item = JSON.parse(text);
    } catch {
      throw new Error(`${path}:${line}: not valid JSON; prepare the data again with \`lora-studio data prepare\``);
    }
    if (!Array.isArray(item.tokens) || !Array.isArray(item.lossMask) || item.tokens.length !== item.lossMask.length) {
      throw new Error(`${path}:${line}: expected {"tokens": [...], "lossMask": [...]} of equal lengths`);
    }
    out.push({ tokens: item.tokens as number[], lossMask: item.lossMask as number[] });
  }
  return out;
}
