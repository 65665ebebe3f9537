import { readFile } from "node:fs/promises";
import { isUtf8 } from "node:buffer";
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { problem } from "./messages";
import { addRecord, importJsonl, type RecordsResult } from "./importJsonl";

/** A whole-JSON file is parsed in memory; past this size, JSONL (which streams) is the way. */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

/** Keys under which a JSON object commonly keeps its list of examples. */
const LIST_KEYS = ["data", "examples", "train", "items", "records", "rows"];

/**
 * Imports a JSON file: an array of records (or an object holding one under "data", "examples"...) or one record.
 * Note: jsonc-parser rather than JSON.parse, because it gives each element's offset (so every problem names its
 * line) and the exact place of a syntax error. A ".json" file that is really JSONL is read as JSONL.
 */
export async function importJson(path: string, name: string, bytes: number, signal?: AbortSignal): Promise<RecordsResult> {
  const out: RecordsResult = { formats: {}, examples: [], problems: [] };
  if (bytes > MAX_JSON_BYTES) {
    out.problems.push(problem("READ_FAILED", { file: name }, { detail: `${(bytes / 2 ** 20).toFixed(0)} MB is too large for one JSON document; save it as JSONL (one example per line)` }));
    return out;
  }
  const buf = await readFile(path, { signal });
  let text = buf.toString("utf8");
  if (!isUtf8(buf)) {
    const at = text.indexOf("\uFFFD");
    out.problems.push(problem("INVALID_UTF8", { file: name, line: lineAt(text, Math.max(0, at)) }));
    return out;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || !root) {
    if (looksLikeJsonl(text)) return importJsonl(path, name, { signal });
    const e = errors[0];
    const offset = e?.offset ?? 0;
    const line = lineAt(text, offset);
    const column = offset - text.lastIndexOf("\n", offset - 1);
    out.problems.push(problem("JSON_FILE_MALFORMED", { file: name, line }, { detail: `${e ? printParseErrorCode(e.error) : "no JSON value"} at column ${column}` }));
    return out;
  }
  const list = findList(root);
  const lineStarts = lineIndex(text);
  for (const node of list ?? [root]) addRecord(out, nodeValue(node), { file: name, line: lineOf(lineStarts, node.offset) });
  return out;
}

function findList(root: Node): Node[] | undefined {
  if (root.type === "array") return root.children ?? [];
  if (root.type !== "object") return undefined;
  for (const prop of root.children ?? []) {
    const [key, value] = prop.children ?? [];
    if (key && value && LIST_KEYS.includes(String(key.value)) && value.type === "array") return value.children ?? [];
  }
  return undefined;
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case "array":
      return (node.children ?? []).map(nodeValue);
    case "object": {
      const obj: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (key && value) obj[String(key.value)] = nodeValue(value);
      }
      return obj;
    }
    default:
      return node.value;
  }
}

/** Several lines that each parse as a JSON object on their own. */
function looksLikeJsonl(text: string): boolean {
  const lines = text.split("\n").filter((l) => l.trim()).slice(0, 3);
  if (lines.length < 2) return false;
  return lines.every((l) => {
    try {
      const v = JSON.parse(l);
      return typeof v === "object" && v !== null;
    } catch {
      return false;
    }
  });
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function lineIndex(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
