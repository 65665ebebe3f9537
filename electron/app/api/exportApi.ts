import { join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { CompatibilityRow, ExportFormat, ExportSummary } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import type { CompatibilityEntry } from "../../engine/export/compatibilityReport";
import { ExportError } from "../../engine/export/ExportError";
import type { ExportResult } from "../../engine/export/ExportResult";
import { exportRun, runCompatibility } from "../../engine/export/exportRun";
import { loadRunForExport } from "../../engine/export/loadRunForExport";
import { exportBundle } from "../evaluation/exportBundle";
import { addAdapterFile } from "../store/adapters";
import { getProject } from "../store/projects";
import { getRun } from "../store/runs";
import type { ApiContext } from "./ApiContext";
import { runAdapter } from "./runAdapter";
import { addExportParity } from "../evaluation/measureExportParity";
import { exportNoteZh } from "./exportNoteZh";

type ExportApi = Pick<StudioApiImpl, "compatibility" | "exportRun">;

/** Exports of a finished run (GGUF LoRA, PEFT, Ollama, merged, recipes, the hand-off bundle) and where each runs. */
export function exportApi(ctx: ApiContext): ExportApi {
  const { db } = ctx;
  const failed = (error: unknown): never => {
    if (error instanceof ExportError) throw new StudioApiError("failed", error.message, error.code ? { exportCode: error.code } : undefined);
    throw error;
  };
  return {
    async compatibility({ runId }) {
      const run = getRun(db, runId);
      const loaded = await loadRunForExport(run.outDir).catch(failed);
      return (await runCompatibility(loaded)).map(row);
    },
    async exportRun({ runId, formats, outDir }) {
      // The chosen folder is checked first (symbolic links resolved up to its deepest existing part), before any work.
      const chosen = outDir ? ctx.grants.check(outDir) : null;
      const run = getRun(db, runId);
      const { adapter } = await runAdapter(db, run);
      const project = run.projectId ? getProject(db, run.projectId) : null;
      const dir = chosen ?? join(ctx.home, "exports", `${safeName(project?.name ?? "run")}-${run.id.slice(0, 8)}`);
      // Notes in English while the exports (and the parity check) add to them; both languages in the answer.
      const results: (Omit<ExportSummary["results"][number], "notes"> & { notes: string[] })[] = [];
      let compatibility: CompatibilityEntry[] | null = null;
      for (const format of [...new Set(formats)]) {
        // Each format in its own folder: an Ollama export and a PEFT folder both hold files named like the others'.
        const target = join(dir, format);
        // Note: one format that cannot be written (a LLaMA-Factory recipe for document chunks) must not cost the
        // user the others: its error is reported in its row.
        let result: ExportResult;
        try {
          if (format === "bundle") {
            result = await exportBundle(run.outDir, target).catch((e: Error) => failed(new ExportError(`the hand-off bundle could not be written: ${e.message}`)));
          } else {
            const r = await exportRun(run.outDir, format, target).catch(failed);
            compatibility = r.compatibility;
            result = r;
          }
        } catch (error) {
          if (!(error instanceof StudioApiError)) throw error;
          const code = (error.details as { exportCode?: unknown } | undefined)?.exportCode;
          results.push({ format: format as ExportFormat, files: [], notes: [], error: error.message, ...(typeof code === "string" ? { errorCode: code } : {}) });
          continue;
        }
        for (const f of result.files) addAdapterFile(db, adapter.id, { format, path: f.path, sha256: f.sha256, bytes: f.bytes });
        results.push({ format: format as ExportFormat, files: result.files, notes: result.notes, error: null });
      }
      // Proof for IT that the files behave like the trained model: llama.cpp with each GGUF against the trainer.
      await addExportParity(run.outDir, results);
      compatibility ??= await runCompatibility(await loadRunForExport(run.outDir).catch(failed));
      // Note: nothing is granted because it was written: the folder was allowed already (home or the user's choice).
      const localized = results.map((r) => ({ ...r, notes: r.notes.map((en) => ({ en, zh: exportNoteZh(en) ?? en })) }));
      return { runId, outDir: dir, results: localized, compatibility: compatibility.map(row) };
    },
  };
}

function row(e: CompatibilityEntry): CompatibilityRow {
  return { artifact: e.artifact, runtime: e.runtime, status: e.status, reason: { en: e.reason, zh: e.reasonZh } };
}

/** A project name as a folder name on every system. */
function safeName(name: string): string {
  return name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, "_").replace(/\s+/g, "-").slice(0, 60) || "project";
}
