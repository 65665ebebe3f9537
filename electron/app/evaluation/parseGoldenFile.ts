import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { EvaluationError } from "./EvaluationError";

export interface GoldenInput {
  question: string;
  reference: string | null;
}

const QUESTION_KEYS = ["question", "prompt", "instruction", "q", "问题"];
const REFERENCE_KEYS = ["reference", "answer", "expected", "completion", "output", "response", "a", "答案", "参考答案"];

function pick(row: Record<string, unknown>, keys: string[]): string | undefined {
  for (const [k, v] of Object.entries(row)) if (keys.includes(k.trim().toLowerCase()) && typeof v === "string") return v;
  return undefined;
}

/**
 * Golden questions from a CSV (a header with a question column and optionally a reference/answer column) or JSONL
 * / JSON file ({"question": ..., "reference": ...}; "prompt" and "answer" are accepted too). A row without a
 * question is an error naming its line, so an expert's file never loses questions silently.
 */
export async function parseGoldenFile(path: string): Promise<GoldenInput[]> {
  const file = resolve(path);
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) throw new EvaluationError(`golden-question file ${file} does not exist or cannot be read`);
  const ext = extname(file).toLowerCase();
  let rows: { row: Record<string, unknown>; where: string }[];
  if (ext === ".csv" || ext === ".tsv") {
    const records = parse(text.replace(/^\uFEFF/, ""), { columns: true, skip_empty_lines: true, delimiter: ext === ".tsv" ? "\t" : ",", relax_column_count: true }) as Record<string, unknown>[];
    rows = records.map((row, i) => ({ row, where: `row ${i + 2}` }));
  } else if (ext === ".jsonl" || ext === ".json") {
    const trimmed = text.trim();
    if (ext === ".json" && trimmed.startsWith("[")) {
      rows = (JSON.parse(trimmed) as Record<string, unknown>[]).map((row, i) => ({ row, where: `item ${i + 1}` }));
    } else {
      rows = text.split("\n").flatMap((line, i) => {
        if (!line.trim()) return [];
        try {
          return [{ row: JSON.parse(line) as Record<string, unknown>, where: `line ${i + 1}` }];
        } catch {
          throw new EvaluationError(`${file}, line ${i + 1}: not valid JSON; each line must be {"question": "...", "reference": "..."}`);
        }
      });
    }
  } else {
    throw new EvaluationError(`golden questions must be a .csv, .tsv, .jsonl or .json file, got ${file}`);
  }
  const out: GoldenInput[] = [];
  for (const { row, where } of rows) {
    const question = pick(row, QUESTION_KEYS)?.trim();
    if (!question) throw new EvaluationError(`${file}, ${where}: no question (expected a "question" column or field)`);
    const reference = pick(row, REFERENCE_KEYS)?.trim();
    out.push({ question, reference: reference ? reference : null });
  }
  if (!out.length) throw new EvaluationError(`${file} holds no golden question`);
  return out;
}
