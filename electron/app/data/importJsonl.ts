import { problem } from "./messages";
import { readLines } from "./readLines";
import { recordToExample } from "./recordToExample";
import type { DataFormat, Example, FileProblem } from "./types";
import { plainJsonError } from "./plainJsonError";
import { DraftRecords, keepProvenance } from "./draftRecords";

export interface RecordsResult {
  formats: Partial<Record<DataFormat, number>>;
  examples: Example[];
  problems: FileProblem[];
}

/**
 * Imports a JSONL file line by line (streamed: memory holds the examples, never the file). Every line that cannot
 * be read becomes a located problem; the other lines still import. Blank lines are allowed.
 */
export async function importJsonl(path: string, name: string, opts: { signal?: AbortSignal; onLine?: (line: number) => void; includeUnreviewed?: boolean | undefined } = {}): Promise<RecordsResult> {
  const out: RecordsResult = { formats: {}, examples: [], problems: [] };
  // Lines of a drafts file (lora-studio data draft, the app's accepted drafts): accepted and edited pairs only.
  const drafts = new DraftRecords(name, opts.includeUnreviewed ?? false);
  for await (const r of readLines(path, undefined, opts.signal)) {
    const location = { file: name, line: r.line };
    if ("error" in r) {
      if (r.error === "invalid-utf8") out.problems.push(problem("INVALID_UTF8", location));
      else out.problems.push(problem("LINE_TOO_LONG", location, { megabytes: (r.bytes / 1048576).toFixed(1) }));
      continue;
    }
    opts.onLine?.(r.line);
    if (r.text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(r.text);
    } catch (e) {
      const why = plainJsonError(e, r.text);
      out.problems.push(problem("JSON_MALFORMED", location, { detail: why.en, detailZh: why.zh }));
      continue;
    }
    if (drafts.add(out, value, location)) continue;
    const before = out.examples.length;
    addRecord(out, value, location);
    if (out.examples.length > before) keepProvenance(out, value);
  }
  drafts.finish(out);
  return out;
}

/** Turns one parsed record into an example (or a problem) at its location. */
export function addRecord(out: RecordsResult, value: unknown, location: { file: string; line?: number }): void {
  const r = recordToExample(value);
  if (!r.ok) {
    if (r.code === "UNKNOWN_RECORD") out.problems.push(problem("UNKNOWN_RECORD", location, { keys: r.keys.map((k) => `"${k}"`).join(", ") || "(none)" }));
    else out.problems.push(problem("BAD_RECORD", location, { detail: r.detail, detailZh: r.detailZh }));
    return;
  }
  out.formats[r.format] = (out.formats[r.format] ?? 0) + 1;
  const id = `${location.file}:L${location.line ?? out.examples.length + 1}`;
  out.examples.push(r.kind === "chat" ? { id, kind: "chat", messages: r.messages, source: location } : { id, kind: "document", text: r.text, source: location });
}
