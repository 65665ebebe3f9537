import type { Example, SourceRef } from "../data/types";
import type { Db } from "./openStore";
import { fromJson, newId, nowIso, toJson } from "./rows";
import { NotFoundError, StoreError } from "./StoreError";

export type ExampleSplit = "train" | "validation" | "excluded";

/** One example as stored: its content, where it came from, its side of the split and what was redacted in it. */
export interface StoredExample {
  /** The example's id within its import ("faq.csv:R3"). */
  key: string;
  kind: Example["kind"];
  content: Pick<Example, "messages" | "text" | "group" | "provenance">;
  source: SourceRef;
  split?: ExampleSplit | null;
  /** Redactions applied to this example, e.g. [{kind: "email", count: 2}]. */
  redactions?: { kind: string; count: number }[] | null;
}

export interface NewDataset {
  projectId: string;
  name: string;
  /** The imported files: name, path, hash, type, counts (as in DatasetRecord.files). */
  files: unknown[];
  /** The redaction record: choices and counts per kind. */
  redaction: unknown;
  /** The quality report, kept as it was shown. */
  report?: unknown;
}

export interface Dataset {
  id: string;
  projectId: string;
  name: string;
  createdAt: string;
  exampleCount: number;
  files: unknown[];
  redaction: unknown;
  report: unknown;
}

interface Row {
  id: string;
  project_id: string;
  name: string;
  created_at: string;
  example_count: number;
  files_json: string;
  redaction_json: string;
  report_json: string | null;
}
const toDataset = (r: Row): Dataset => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  createdAt: r.created_at,
  exampleCount: r.example_count,
  files: fromJson<unknown[]>(r.files_json) ?? [],
  redaction: fromJson(r.redaction_json),
  report: fromJson(r.report_json),
});

/** An imported Example as a StoredExample. */
export function toStoredExample(e: Example, split?: ExampleSplit, redactions?: StoredExample["redactions"]): StoredExample {
  const content: StoredExample["content"] = {};
  if (e.messages) content.messages = e.messages;
  if (e.text !== undefined) content.text = e.text;
  if (e.group !== undefined) content.group = e.group;
  if (e.provenance !== undefined) content.provenance = e.provenance;
  return { key: e.id, kind: e.kind, content, source: e.source, split: split ?? null, redactions: redactions ?? null };
}

/**
 * Stores a dataset and all its examples in one transaction: a crash or an error part-way leaves no dataset and no
 * example of it (tested with a real SIGKILL). `onRow` is called after each example is written (progress).
 */
export function importDataset(db: Db, input: NewDataset, examples: Iterable<StoredExample>, onRow?: (done: number) => void): Dataset {
  const id = newId();
  const insertExample = db.prepare(
    `INSERT INTO examples (dataset_id, example_key, kind, content_json, source_file, source_line, source_row, source_sheet, source_page, source_chunk, split, redactions_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    const project = db.prepare("SELECT id FROM projects WHERE id = ?").get(input.projectId);
    if (!project) throw new NotFoundError(`no project with id ${input.projectId} to import dataset "${input.name}" into; create the project first`);
    db.prepare("INSERT INTO datasets (id, project_id, name, created_at, example_count, files_json, redaction_json, report_json) VALUES (?, ?, ?, ?, 0, ?, ?, ?)").run(
      id,
      input.projectId,
      input.name,
      nowIso(),
      JSON.stringify(input.files),
      JSON.stringify(input.redaction ?? {}),
      toJson(input.report),
    );
    let n = 0;
    for (const e of examples) {
      const s = e.source;
      try {
        insertExample.run(id, e.key, e.kind, JSON.stringify(e.content), s.file, s.line ?? null, s.row ?? null, s.sheet ?? null, s.page ?? null, s.chunk ?? null, e.split ?? null, toJson(e.redactions));
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new StoreError(`example id "${e.key}" appears twice in dataset "${input.name}"; example ids must be unique within an import`);
        throw error;
      }
      n++;
      onRow?.(n);
    }
    db.prepare("UPDATE datasets SET example_count = ? WHERE id = ?").run(n, id);
  })();
  return getDataset(db, id);
}

export function getDataset(db: Db, id: string): Dataset {
  const row = db.prepare("SELECT * FROM datasets WHERE id = ?").get(id) as Row | undefined;
  if (!row) throw new NotFoundError(`no dataset with id ${id}`);
  return toDataset(row);
}

export function listDatasets(db: Db, projectId: string): Dataset[] {
  return (db.prepare("SELECT * FROM datasets WHERE project_id = ? ORDER BY created_at, rowid").all(projectId) as Row[]).map(toDataset);
}

interface ExampleRow {
  example_key: string;
  kind: Example["kind"];
  content_json: string;
  source_file: string;
  source_line: number | null;
  source_row: number | null;
  source_sheet: string | null;
  source_page: number | null;
  source_chunk: number | null;
  split: ExampleSplit | null;
  redactions_json: string | null;
}

/** A page of a dataset's examples in import order, optionally one side of the split. */
export function listExamples(db: Db, datasetId: string, options: { split?: ExampleSplit; limit?: number; offset?: number } = {}): StoredExample[] {
  const where = options.split ? "AND split = ?" : "";
  const params: unknown[] = [datasetId, ...(options.split ? [options.split] : []), options.limit ?? -1, options.offset ?? 0];
  const rows = db.prepare(`SELECT * FROM examples WHERE dataset_id = ? ${where} ORDER BY id LIMIT ? OFFSET ?`).all(...params) as ExampleRow[];
  return rows.map((r) => {
    const source: SourceRef = { file: r.source_file };
    if (r.source_line !== null) source.line = r.source_line;
    if (r.source_row !== null) source.row = r.source_row;
    if (r.source_sheet !== null) source.sheet = r.source_sheet;
    if (r.source_page !== null) source.page = r.source_page;
    if (r.source_chunk !== null) source.chunk = r.source_chunk;
    return { key: r.example_key, kind: r.kind, content: JSON.parse(r.content_json), source, split: r.split, redactions: fromJson(r.redactions_json) };
  });
}

export function countExamples(db: Db, datasetId?: string): number {
  const row = (datasetId ? db.prepare("SELECT count(*) AS n FROM examples WHERE dataset_id = ?").get(datasetId) : db.prepare("SELECT count(*) AS n FROM examples").get()) as { n: number };
  return row.n;
}

export function deleteDataset(db: Db, id: string): void {
  if (db.prepare("DELETE FROM datasets WHERE id = ?").run(id).changes === 0) throw new NotFoundError(`no dataset with id ${id} to delete`);
}
