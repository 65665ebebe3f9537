import ExcelJS from "exceljs";
import { problem } from "./messages";
import { TableRows } from "./tableRowsToExamples";
import type { TableResult } from "./importCsv";
import type { ColumnMapping } from "./types";

/**
 * Imports every non-empty sheet of an XLSX workbook (exceljs); the first non-empty row of a sheet is its header.
 * Formulas contribute their cached result, rich text its plain text.
 */
export async function importXlsx(path: string, name: string, opts: { columns?: ColumnMapping } = {}): Promise<TableResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (e) {
    return { examples: [], problems: [problem("CORRUPT", { file: name }, { kind: "XLSX", detail: e instanceof Error ? e.message : String(e) })] };
  }
  const result: TableResult = { examples: [], problems: [] };
  const multi = workbook.worksheets.filter((s) => s.actualRowCount > 0).length > 1;
  for (const sheet of workbook.worksheets) {
    if (sheet.actualRowCount === 0) continue;
    let table: TableRows | undefined;
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= Math.max(row.cellCount, sheet.columnCount); c++) cells.push(row.getCell(c).text ?? "");
      if (!table) table = new TableRows(name, cells, opts.columns, multi ? sheet.name : undefined);
      else table.add(cells, rowNumber);
    });
    if (!table) continue;
    const t = table as TableRows;
    result.examples.push(...t.examples);
    result.problems.push(...t.problems);
    result.columns ??= t.mapping;
    result.headers ??= t.headers;
  }
  if (result.examples.length === 0 && result.problems.length === 0) result.problems.push(problem("FILE_EMPTY", { file: name }));
  return result;
}
