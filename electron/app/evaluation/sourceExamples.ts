import { existsSync } from "node:fs";
import { exampleText } from "../data/exampleText";
import { findPii, type PiiSpan } from "../data/findPii";
import { importFiles } from "../data/importFiles";
import type { DatasetRecord } from "../data/prepareDataset";
import { redactExamples } from "../data/redactPii";
import type { Example } from "../data/types";

export interface SourceExamples {
  /** The examples as trained (redaction applied, same order, so pseudonyms match), by example id. */
  trained: Map<string, Example>;
  /** Personal data in the original files, before redaction. */
  originalSpans: PiiSpan[];
  /** Files that could not be read again (moved or deleted since training). */
  missing: string[];
}

/**
 * The run's source files read again: the questions' text as trained (for the report; the prepared data holds only
 * tokens) and the personal data of the originals, including what redaction removed, for the memorization probe.
 * Note: redaction is replayed over the same usable examples in the same order, so pseudonyms come out as trained.
 */
export async function sourceExamples(dataset: DatasetRecord | null): Promise<SourceExamples> {
  const out: SourceExamples = { trained: new Map(), originalSpans: [], missing: [] };
  if (!dataset) return out;
  const present = dataset.files.filter((f) => existsSync(f.path));
  out.missing = dataset.files.filter((f) => !existsSync(f.path)).map((f) => f.path);
  if (!present.length) return out;
  const files = await importFiles(present.map((f) => f.path), { seqLen: dataset.seqLen });
  const examples = files.flatMap((f) => f.examples);
  for (const e of examples) out.originalSpans.push(...findPii(exampleText(e)));
  const excluded = new Set(dataset.report?.excluded ?? []);
  const usable = examples.filter((e) => !excluded.has(e.id));
  for (const e of redactExamples(usable, dataset.redaction?.choices ?? {}).examples) out.trained.set(e.id, e);
  return out;
}

/** The last user message before the last assistant turn of a chat example, or null. */
export function lastQuestion(example: Example | undefined): string | null {
  const messages = example?.messages ?? [];
  let last = messages.length - 1;
  while (last >= 0 && messages[last]!.role !== "assistant") last--;
  for (let i = last - 1; i >= 0; i--) if (messages[i]!.role === "user") return messages[i]!.content;
  return null;
}
