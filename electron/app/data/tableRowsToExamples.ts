import { problem } from "./messages";
import type { ChatMessage, ColumnMapping, Example, FileProblem, SourceRef } from "./types";
import { guessColumnMapping } from "./guessColumnMapping";

/** Turns rows of a table (after its header row) into chat examples, one per row, with problems located by row. */
export class TableRows {
  readonly examples: Example[] = [];
  readonly problems: FileProblem[] = [];
  readonly mapping: ColumnMapping;
  /** The header row as read (trimmed), for the mapping dialog. */
  readonly headers: string[];
  private readonly index: Partial<Record<keyof ColumnMapping, number>> = {};
  readonly usable: boolean;

  constructor(
    private readonly file: string,
    headers: string[],
    override: ColumnMapping | undefined,
    private readonly sheet?: string,
  ) {
    const clean = headers.map((h) => h.trim());
    this.headers = clean;
    const guessed = guessColumnMapping(clean);
    this.mapping = { ...guessed, ...override };
    const where: SourceRef = { file, ...(sheet ? { sheet } : {}), row: 1 };
    const columns = clean.filter(Boolean).map((h) => `"${h}"`).join(", ") || "(no header)";
    let ok = true;
    for (const field of ["question", "answer", "system", "context"] as const) {
      const name = this.mapping[field];
      if (name === undefined) continue;
      const i = clean.indexOf(name.trim());
      if (i === -1) {
        this.problems.push(problem("MAPPED_COLUMN_MISSING", where, { column: name, field, columns }));
        ok = false;
      } else this.index[field] = i;
    }
    if (this.index.question === undefined || this.index.answer === undefined) {
      if (ok) this.problems.push(problem("NO_COLUMNS", where, { columns }));
      ok = false;
    }
    const mapped = new Set(Object.values(this.index));
    const unknown = clean.filter((h, i) => h && !mapped.has(i));
    if (ok && unknown.length) this.problems.push(problem("UNKNOWN_COLUMNS", where, { columns: unknown.map((h) => `"${h}"`).join(", ") }));
    this.usable = ok;
  }

  /** Adds one data row; `row` is its 1-based row number in the sheet (the header is row 1), `line` its CSV line. */
  add(cells: string[], row: number, line?: number): void {
    if (!this.usable) return;
    const source: SourceRef = { file: this.file, ...(this.sheet ? { sheet: this.sheet } : {}), row, ...(line !== undefined ? { line } : {}) };
    if (cells.every((c) => !c || !c.trim())) return; // a blank row is layout, not data
    if (cells.some((c) => c.includes("\uFFFD"))) {
      this.problems.push(problem("INVALID_UTF8", source));
      return;
    }
    const get = (f: keyof ColumnMapping) => (this.index[f] === undefined ? "" : (cells[this.index[f]!] ?? ""));
    const question = get("question");
    const answer = get("answer");
    for (const [field, value] of [["question", question], ["answer", answer]] as const) {
      if (!value.trim()) {
        this.problems.push(problem("ROW_EMPTY_FIELD", source, { field: `"${this.mapping[field]}" (${field})` }));
        return;
      }
    }
    const messages: ChatMessage[] = [];
    const system = get("system");
    const context = get("context");
    if (system.trim()) messages.push({ role: "system", content: system });
    messages.push({ role: "user", content: context.trim() ? `${question}\n\n${context}` : question }, { role: "assistant", content: answer });
    const id = `${this.file}:${this.sheet ? `${this.sheet}!` : ""}R${row}`;
    this.examples.push({ id, kind: "chat", messages, source });
  }
}
