import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { DatasetRecord } from "../data/prepareDataset";
import type { RunRecord } from "../training/RunRecord";
import { importDataset, listDatasets, type StoredExample } from "./datasets";
import { finishEvaluationRow, latestEvaluationOfRun, startEvaluationRow } from "./evaluationRows";
import type { Db } from "./openStore";
import { createProject, getProject, listProjects, type Project } from "./projects";
import { nowIso } from "./rows";
import { findRunByOutDir } from "./runs";
import { syncRunRecord } from "./runsFromRecords";

/**
 * DIR/project.json: the project and dataset a run belongs to, written by the app when it starts a run, so that a
 * run folder alone is enough to rebuild them (importRunFolders).
 */
export interface RunProjectFile {
  version: 1;
  project: { id: string; name: string; domain: string | null; language: string | null };
  /** files: the user's files the dataset was imported from (names as given, e.g. clinic-faq.jsonl), for the report. */
  dataset: { id: string; name: string; files?: { name: string; examples: number | null; sha256: string | null }[] } | null;
}

export interface ImportedRun {
  dir: string;
  runId: string;
  projectId: string;
  datasetId: string | null;
  /** false when the store already had the run (it is brought up to date instead). */
  created: boolean;
  examples: number;
  evaluation: boolean;
}

export interface ImportResult {
  projects: Project[];
  runs: ImportedRun[];
  /** Folders that could not be read, and why (the others are imported regardless). */
  skipped: { dir: string; reason: string }[];
}

/**
 * Rebuilds projects, datasets, runs (attempts, metrics, adapters) and evaluations from run folders, e.g. after a
 * damaged database was set aside. A folder's project comes from its project.json (the app writes one per run);
 * folders without one (CLI runs) go to `projectId`, else a project named `projectName` ("Imported runs").
 * Datasets are rebuilt from the run's dataset record and, where they still exist as chat/text JSONL (the app's
 * <home>/datasets files), their examples. Importing a folder twice updates it rather than adding it again.
 */
export async function importRunFolders(db: Db, dirs: readonly string[], options: { projectId?: string; projectName?: string } = {}): Promise<ImportResult> {
  const result: ImportResult = { projects: [], runs: [], skipped: [] };
  const projectsById = new Map<string, Project>();
  let fallback: Project | null = options.projectId ? getProject(db, options.projectId) : null;
  const touched = new Map<string, Project>();
  for (const raw of dirs) {
    const dir = resolve(raw);
    try {
      const text = await readFile(join(dir, "run.json"), "utf8").catch(() => null);
      if (text === null) throw new Error(`${join(dir, "run.json")} does not exist: give the folder of a training run (the one holding run.json)`);
      let record: RunRecord;
      try {
        record = JSON.parse(text) as RunRecord;
      } catch (error) {
        throw new Error(`${join(dir, "run.json")} is damaged (${(error as Error).message})`);
      }
      const meta = await readJson<RunProjectFile>(join(dir, "project.json"));
      const existing = findRunByOutDir(db, dir);
      let project: Project;
      if (existing?.projectId) project = getProject(db, existing.projectId);
      else if (meta) {
        const known = projectsById.get(meta.project.id) ?? listProjects(db).find((p) => p.id === meta.project.id) ?? null;
        project = known ?? createProject(db, { name: meta.project.name, ...(meta.project.domain ? { domain: meta.project.domain } : {}), ...(meta.project.language ? { language: meta.project.language } : {}) });
        projectsById.set(meta.project.id, project);
      } else {
        fallback ??= createProject(db, { name: options.projectName ?? "Imported runs" });
        project = fallback;
      }
      touched.set(project.id, project);

      let datasetId = existing?.datasetId ?? null;
      let examples = 0;
      if (!datasetId) {
        const datasetRecord = await readJson<DatasetRecord>(join(dir, record.data.datasetRecord ?? "data/dataset.json"));
        const name = meta?.dataset?.name ?? `data of ${basename(dir)}`;
        const same = listDatasets(db, project.id).find((d) => d.name === name);
        if (same) datasetId = same.id;
        else if (datasetRecord || record.data.files.length) {
          // The app's dataset files sit in <home>/datasets beside <home>/runs/<run>: looked for there when the home was moved.
          const rows = await examplesOf(record.data.files.map((f) => (existsSync(f.path) ? f.path : join(dirname(dirname(dir)), "datasets", basename(f.path)))));
          const dataset = importDataset(
            db,
            { projectId: project.id, name, files: datasetRecord?.files ?? record.data.files, redaction: datasetRecord?.redaction ?? {}, report: datasetRecord?.report ?? null },
            rows,
          );
          datasetId = dataset.id;
          examples = dataset.exampleCount;
        }
      }

      const run = await syncRunRecord(db, dir, { projectId: project.id, datasetId });
      if (!run.projectId || !run.datasetId) db.prepare("UPDATE runs SET project_id = coalesce(project_id, ?), dataset_id = coalesce(dataset_id, ?) WHERE id = ?").run(project.id, datasetId, run.id);
      if (meta?.dataset && datasetId) db.prepare("UPDATE projects SET dataset_id = coalesce(dataset_id, ?), updated_at = ? WHERE id = ?").run(datasetId, nowIso(), project.id);

      const evaluation = await readJson<Record<string, unknown>>(join(dir, "eval.json"));
      let evaluated = false;
      if (evaluation && !latestEvaluationOfRun(db, run.id)) {
        finishEvaluationRow(db, startEvaluationRow(db, project.id, run.id).id, { metrics: evaluation });
        evaluated = true;
      }
      result.runs.push({ dir, runId: run.id, projectId: project.id, datasetId, created: !existing, examples, evaluation: evaluated });
    } catch (error) {
      result.skipped.push({ dir, reason: (error as Error).message.split("\n")[0]! });
    }
  }
  result.projects = [...touched.values()].map((p) => getProject(db, p.id));
  return result;
}

async function readJson<T>(path: string): Promise<T | null> {
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * The examples of a run's data files where they are chat or text JSONL ({"messages": [...]} or {"text": ...}, as
 * the app writes its datasets, already redacted): the side of the split from the file name (".validation.").
 * Files in other formats (a CLI run's own CSV, say) give none: their dataset keeps its record only.
 */
async function examplesOf(paths: readonly string[]): Promise<StoredExample[]> {
  const out: StoredExample[] = [];
  for (const path of paths) {
    if (!path.endsWith(".jsonl") || !existsSync(path)) continue;
    const split = /\.validation\.jsonl$/.test(path) ? "validation" : "train";
    const file = basename(path);
    const lines = (await readFile(path, "utf8")).split("\n");
    const rows: StoredExample[] = [];
    let usable = true;
    lines.forEach((line, i) => {
      if (!usable || !line.trim()) return;
      try {
        const v = JSON.parse(line) as { messages?: unknown; text?: unknown };
        if (Array.isArray(v.messages)) rows.push({ key: `${file}:L${i + 1}`, kind: "chat", content: { messages: v.messages as never }, source: { file, line: i + 1 }, split });
        else if (typeof v.text === "string") rows.push({ key: `${file}:L${i + 1}`, kind: "document", content: { text: v.text }, source: { file, line: i + 1 }, split });
        else usable = false;
      } catch {
        usable = false;
      }
    });
    if (usable) out.push(...rows);
  }
  return out;
}
