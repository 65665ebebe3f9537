import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { parse, type CsvError } from "csv-parse";
import { problem } from "./messages";
import { TableRows } from "./tableRowsToExamples";
import type { ColumnMapping, Example, FileProblem } from "./types";

export interface TableResult {
  examples: Example[];
  problems: FileProblem[];
  columns?: ColumnMapping;
  /** The header row (the first sheet's, for a workbook). */
  headers?: string[];
}

/**
 * Imports a CSV (or TSV) file of question/answer rows, streamed through csv-parse, which handles the BOM, quoted
 * newlines and delimiters (comma, semicolon or tab, detected). A row the parser cannot read is reported by line and
 * skipped; the others import.
 */
export async function importCsv(path: string, name: string, opts: { columns?: ColumnMapping; tsv?: boolean; signal?: AbortSignal; onRow?: (row: number) => void } = {}): Promise<TableResult> {
  const problems: FileProblem[] = [];
  const parser = parse({
    bom: true,
    delimiter: opts.tsv ? "\t" : await sniffDelimiter(path),
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (err: CsvError | undefined) => {
      if (!err) return undefined;
      const line = typeof err.lines === "number" ? err.lines : undefined;
      const what = csvFault(err);
      problems.push(problem("READ_FAILED", { file: name, ...(line ? { line } : {}) }, { detail: `${what.en}; the row was skipped`, detailZh: `${what.zh}；该行已跳过` }));
      return undefined;
    },
  });
  createReadStream(path, { signal: opts.signal }).on("error", (e) => parser.destroy(e)).pipe(parser);
  let table: TableRows | undefined;
  let row = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      row++;
      if (!table) {
        table = new TableRows(name, rec.record, opts.columns);
        if (!table.usable) break;
        continue;
      }
      // Note: rows count records, as a spreadsheet shows them; `line` is where the record starts in the text.
      const lineBreaks = rec.record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
      table.add(rec.record, row, rec.info.lines - lineBreaks);
      opts.onRow?.(row);
    }
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    // A fault the parser cannot skip past (an unclosed quote...): keep the rows before it, say where it is.
    const err = e as CsvError;
    const line = typeof err.lines === "number" ? err.lines : undefined;
    const what = csvFault(err);
    problems.push(problem("READ_FAILED", { file: name, ...(line ? { line } : {}) }, { detail: `${what.en}; the rows from here on were not imported`, detailZh: `${what.zh}；从这里起的各行未导入` }));
  }
  if (!table) return { examples: [], problems: [...problems, problem("FILE_EMPTY", { file: name })] };
  return { examples: table.examples, problems: [...table.problems, ...problems], columns: table.mapping, headers: table.headers };
}

/** A CSV fault in plain words, in both languages (the parser's own text only for a fault not named here). */
function csvFault(err: CsvError): { en: string; zh: string } {
  switch (err.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return { en: 'a cell opens a quote (") that is never closed', zh: "有一个单元格的双引号（\"）没有闭合" };
    case "CSV_INVALID_CLOSING_QUOTE":
      return { en: 'a quoted cell has more text after its closing quote (write a quote inside a quoted cell as "")', zh: '带引号的单元格在结束引号后还有文字（在带引号的单元格中写引号要写成 ""）' };
    case "INVALID_OPENING_QUOTE":
      return { en: "a quote appears in the middle of a cell that does not start with one", zh: "不以引号开头的单元格中间出现了引号" };
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH":
    case "CSV_RECORD_INCONSISTENT_COLUMNS":
      return { en: "the row has a different number of cells than the header", zh: "该行的单元格数量与表头不同" };
    default: {
      const text = err.message.replace(/^Invalid [^:]*: /, "");
      return { en: `the CSV reader says: ${text}`, zh: `CSV 读取器报告：${text}` };
    }
  }
}

/** The delimiter of the header line: the most frequent of comma, semicolon and tab outside quotes. */
async function sniffDelimiter(path: string): Promise<string> {
  const handle = await open(path, "r");
  let head: string;
  try {
    const buf = Buffer.alloc(16384);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "\n") break;
    else if (!quoted && ch in counts) counts[ch]!++;
  }
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![1] > 0 ? Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![0] : ",";
}
