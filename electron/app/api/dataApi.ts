import { basename } from "node:path";
import type { DatasetSummary, PiiKind, QualityReportView, RedactionMode } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { PII_KINDS } from "../data/findPii";
import { inspectData } from "../data/inspectData";
import { redactExamples, type RedactionChoices } from "../data/redactPii";
import { splitDataset } from "../data/splitDataset";
import type { Example } from "../data/types";
import { getBaseModel } from "../store/baseModels";
import { getDataset, importDataset, listDatasets, listExamples, toStoredExample, type Dataset, type ExampleSplit } from "../store/datasets";
import type { Db } from "../store/openStore";
import { getProject } from "../store/projects";
import { nowIso } from "../store/rows";
import type { ApiContext } from "./ApiContext";
import { examplePreview, piiSummary, reportView, storedPreview } from "./dataViews";
import { fileRef } from "./fileRef";

type DataApi = Pick<StudioApiImpl, "previewData" | "importDataset" | "listDatasets" | "listExamples">;

const PREVIEW_EXAMPLES = 50;

/** What the dataset record keeps of each file: enough to show it and to train from the source again. */
export interface DatasetFile {
  name: string;
  path: string;
  sha256: string | null;
  bytes: number | null;
  fileType: string;
  examples: number;
}

/** Data: a preview before anything is stored, then the import (redacted, split) into the project's store. */
export function dataApi(ctx: ApiContext): DataApi {
  const { db } = ctx;
  return {
    async previewData({ paths, modelId, columns }) {
      const files = paths.map((p) => ctx.grants.check(p));
      const modelPath = modelId ? getBaseModel(db, modelId).path : undefined;
      const inspection = await inspectData(files, { columns, ...(modelPath ? { modelPath } : {}) });
      await inspection.formatter?.dispose();
      const validation = new Set(inspection.split.validation.map((e) => e.id));
      const excluded = new Set(inspection.report.excluded);
      return {
        files: await Promise.all(files.map(fileRef)),
        tables: inspection.files.filter((f) => f.headers).map((f) => ({ file: f.file, headers: f.headers!, mapping: f.columns ?? {} })),
        examples: inspection.examples.slice(0, PREVIEW_EXAMPLES).map((e) => examplePreview(e, excluded.has(e.id) ? "excluded" : validation.has(e.id) ? "validation" : "train")),
        exampleCount: inspection.examples.length,
        report: reportView(inspection.report),
        pii: piiSummary(inspection.examples),
        split: { train: inspection.split.train.length, validation: inspection.split.validation.length },
      };
    },
    async importDataset({ projectId, paths, name, redaction, validationShare, columns }) {
      getProject(db, projectId);
      const files = paths.map((p) => ctx.grants.check(p));
      const progress = (phase: "reading" | "checking" | "storing", done: number, total: number | null, file: string | null) =>
        ctx.events.throttled(`import:${projectId}`, "import.progress", { projectId, phase, done, total, file });
      const inspection = await inspectData(files, {
        columns,
        split: { fraction: validationShare },
        onProgress: (p) => progress(p.phase === "import" ? "reading" : "checking", p.done, p.total ?? null, p.file ?? null),
      });
      const choices: RedactionChoices = {};
      for (const k of PII_KINDS) {
        const mode = redaction[k];
        if (mode && mode !== "keep") choices[k] = mode;
      }
      const { examples, perExample, counts } = redactExamples(inspection.examples, choices);
      const excluded = new Set(inspection.report.excluded);
      const split = splitDataset(examples.filter((e) => !excluded.has(e.id)), { fraction: validationShare });
      const validation = new Set(split.validation.map((e) => e.id));
      const sideOf = (e: Example): ExampleSplit => (excluded.has(e.id) ? "excluded" : validation.has(e.id) ? "validation" : "train");
      const report = reportView(inspection.report);
      const datasetFiles: DatasetFile[] = inspection.files.map((f) => ({ name: f.file, path: f.path, sha256: f.sha256 ?? null, bytes: f.bytes ?? null, fileType: f.fileType, examples: f.examples.length }));
      const total = examples.length;
      const stored = importDataset(
        db,
        { projectId, name: name ?? defaultName(files), files: datasetFiles, redaction: { choices: redaction, applied: choices, counts, validationShare }, report },
        examples.map((e) => toStoredExample(e, sideOf(e), perExample.get(e.id) ?? null)),
        (n) => progress("storing", n, total, null),
      );
      progress("storing", total, total, null);
      ctx.events.flush(`import:${projectId}`);
      db.prepare("UPDATE projects SET dataset_id = ?, updated_at = ? WHERE id = ?").run(stored.id, nowIso(), projectId);
      ctx.events.emit("state.changed", { kind: "datasets", projectId });
      return datasetSummary(db, stored);
    },
    async listDatasets({ projectId }) {
      getProject(db, projectId);
      return listDatasets(db, projectId).map((d) => datasetSummary(db, d)).reverse();
    },
    async listExamples({ datasetId, split, limit, offset }) {
      getDataset(db, datasetId);
      return listExamples(db, datasetId, { ...(split ? { split } : {}), limit, offset }).map(storedPreview);
    },
  };
}

/** The file names without extensions, e.g. "clinic-faq, guideline": the same in every UI language. */
function defaultName(files: string[]): string {
  const names = files.map((f) => basename(f).replace(/\.[^.]+$/, ""));
  const shown = names.slice(0, 3).join(", ");
  return names.length > 3 ? `${shown}, … (${names.length})` : shown;
}

export function datasetSummary(db: Db, d: Dataset): DatasetSummary {
  const rows = db.prepare("SELECT split, count(*) AS n FROM examples WHERE dataset_id = ? GROUP BY split").all(d.id) as { split: ExampleSplit | null; n: number }[];
  const counts = { train: 0, validation: 0, excluded: 0 };
  for (const r of rows) if (r.split) counts[r.split] = r.n;
  const files = (d.files as Partial<DatasetFile>[]).map((f) => ({ name: f.name ?? "?", examples: f.examples ?? 0, sha256: f.sha256 ?? null }));
  const redaction = ((d.redaction as { choices?: Partial<Record<PiiKind, RedactionMode>> } | null)?.choices ?? {}) as Partial<Record<PiiKind, RedactionMode>>;
  return { id: d.id, projectId: d.projectId, name: d.name, createdAt: d.createdAt, exampleCount: d.exampleCount, counts, files, redaction, report: (d.report as QualityReportView | null) ?? null, drafted: draftedSummary(db, d.id) };
}

/** How many of a dataset's examples a model drafted from documents (their provenance), and which models. */
export function draftedSummary(db: Db, datasetId: string): DatasetSummary["drafted"] {
  const rows = db
    .prepare(
      `SELECT json_extract(content_json, '$.provenance.model.name') AS name, json_extract(content_json, '$.provenance.model.sha256') AS sha256, count(*) AS n
       FROM examples WHERE dataset_id = ? AND json_extract(content_json, '$.provenance') IS NOT NULL GROUP BY name, sha256 ORDER BY n DESC, name`,
    )
    .all(datasetId) as { name: string | null; sha256: string | null; n: number }[];
  if (rows.length === 0) return null;
  return { examples: rows.reduce((a, r) => a + r.n, 0), models: rows.map((r) => ({ name: r.name ?? "?", sha256: r.sha256 ?? "" })) };
}
