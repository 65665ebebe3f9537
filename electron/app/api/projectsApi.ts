import type { Domain, ProjectSummary, RunStatus, UiLanguage } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { createProject, deleteProject, getProject, listProjects, renameProject, type Project } from "../store/projects";
import { nowIso } from "../store/rows";
import { listRuns, type Run } from "../store/runs";
import type { Db } from "../store/openStore";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { importRunFolders } from "../store/importRunFolders";
import type { ApiContext } from "./ApiContext";

type ProjectsApi = Pick<StudioApiImpl, "listProjects" | "createProject" | "getProject" | "updateProject" | "deleteProject" | "importRunFolders">;

/** Projects: the list the app opens on, and the wizard's choices (model, dataset) kept per project. */
export function projectsApi(ctx: ApiContext): ProjectsApi {
  const { db } = ctx;
  const changed = (projectId: string | null) => ctx.events.emit("state.changed", { kind: "projects", projectId });
  return {
    async listProjects() {
      return listProjects(db).map((p) => projectSummary(db, p)).reverse();
    },
    async createProject({ name, domain, language }) {
      const p = createProject(db, { name, domain, language });
      changed(p.id);
      return projectSummary(db, p);
    },
    async getProject({ projectId }) {
      return projectSummary(db, getProject(db, projectId));
    },
    async updateProject({ projectId, name, modelId, datasetId }) {
      getProject(db, projectId);
      db.transaction(() => {
        if (name !== undefined) renameProject(db, projectId, name);
        if (modelId !== undefined) db.prepare("UPDATE projects SET model_id = ?, updated_at = ? WHERE id = ?").run(modelId, nowIso(), projectId);
        if (datasetId !== undefined) db.prepare("UPDATE projects SET dataset_id = ?, updated_at = ? WHERE id = ?").run(datasetId, nowIso(), projectId);
      })();
      changed(projectId);
      return projectSummary(db, getProject(db, projectId));
    },
    async deleteProject({ projectId }) {
      deleteProject(db, projectId);
      changed(projectId);
      return { deleted: true };
    },
    async importRunFolders() {
      // Only this home's own run folders (no path comes from the caller): what a damaged database leaves behind.
      const root = join(ctx.home, "runs");
      const known = new Set((db.prepare("SELECT out_dir FROM runs").all() as { out_dir: string }[]).map((r) => r.out_dir));
      const dirs = existsSync(root) ? readdirSync(root).map((n) => join(root, n)).filter((d) => !known.has(d) && existsSync(join(d, "run.json"))) : [];
      const result = await importRunFolders(db, dirs);
      for (const p of result.projects) changed(p.id);
      return { projects: result.projects.map((p) => projectSummary(db, p)), runs: result.runs.length, skipped: result.skipped };
    },
  };
}

/** A project as the list shows it: with its wizard choices and its latest run's status. */
export function projectSummary(db: Db, p: Project): ProjectSummary {
  const extra = db.prepare("SELECT model_id, dataset_id FROM projects WHERE id = ?").get(p.id) as { model_id: string | null; dataset_id: string | null };
  const run = db.prepare("SELECT id, status, step, total_steps, updated_at FROM runs WHERE project_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1").get(p.id) as
    | { id: string; status: RunStatus; step: number; total_steps: number | null; updated_at: string }
    | undefined;
  return {
    id: p.id,
    name: p.name,
    domain: (p.domain ?? "other") as Domain,
    language: (p.language === "zh" ? "zh" : "en") as UiLanguage,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    modelId: extra.model_id,
    datasetId: extra.dataset_id,
    latestRun: run ? { id: run.id, status: run.status, step: run.step, totalSteps: run.total_steps, updatedAt: run.updated_at } : null,
    bestRun: bestFinishedRun(listRuns(db, { projectId: p.id, status: "finished" })),
  };
}

/** Lowest validation loss first (runs without one after), then the newest. */
export function bestFinishedRun(runs: readonly Run[]): ProjectSummary["bestRun"] {
  const views = runs.map((r) => ({ id: r.id, bestValLoss: (r.result as { bestValLoss?: number | null } | null)?.bestValLoss ?? null, endedAt: r.endedAt, createdAt: r.createdAt }));
  views.sort((a, b) => (a.bestValLoss ?? Infinity) - (b.bestValLoss ?? Infinity) || b.createdAt.localeCompare(a.createdAt));
  const best = views[0];
  return best ? { id: best.id, bestValLoss: best.bestValLoss, endedAt: best.endedAt } : null;
}
