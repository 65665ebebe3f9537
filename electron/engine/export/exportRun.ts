import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { openGguf } from "../gguf/GgufFile";
import { compatibilityReport, type CompatibilityEntry } from "./compatibilityReport";
import { type ExportFormat, type ExportResult } from "./ExportResult";
import { exportGgufLora } from "./exportGgufLora";
import { exportMerged, type MergedType } from "./exportMerged";
import { exportOllama } from "./exportOllama";
import { exportPeft } from "./exportPeft";
import { exportRecipe } from "./exportRecipe";
import { hfModelId } from "./hfModelId";
import { loadRunForExport, type RunForExport } from "./loadRunForExport";

export interface ExportRunOptions {
  /** Merged model tensor type (default F16). */
  mergedType?: MergedType;
  /** Export adapter-last.gguf instead of adapter.gguf (best validation loss). */
  adapter?: "best" | "last";
  /** The base's Hugging Face id, where the GGUF does not name it (PEFT and recipes). */
  baseModelId?: string;
}

export type RunExportResult = ExportResult & { compatibility: CompatibilityEntry[] };

/** Which runtimes accept which file for this run's base and adapter, before anything is written. */
export async function runCompatibility(run: RunForExport, baseModelId?: string): Promise<CompatibilityEntry[]> {
  const base = await openGguf(run.baseModel.path);
  try {
    return compatibilityReport({ architecture: run.baseModel.architecture, lora: run.lora, hfIdKnown: Boolean(baseModelId ?? hfModelId(base)) });
  } finally {
    await base.close();
  }
}

/** One export of a training run folder into `outDir` (a folder), with the compatibility report attached. */
export async function exportRun(runDir: string, format: ExportFormat, outDir: string, options: ExportRunOptions = {}): Promise<RunExportResult> {
  const run = await loadRunForExport(runDir, options.adapter ? { adapter: options.adapter } : {});
  const out = resolve(outDir);
  const compatibility = await runCompatibility(run, options.baseModelId);
  const result = await cleanOnFailure(out, () => exportFormat(run, format, out, options));
  // Only the plain result fields: the per-export extras (adapterPath, modelPath...) are in `files`.
  return { format: result.format, files: result.files, notes: result.notes, compatibility };
}

/**
 * Runs an export into `outDir`; when it fails, removes the folders it created for it (the first missing one and
 * everything in it), so a failed export (a full disk, a missing file) leaves no empty or half-written folder. A
 * folder that existed before is left as it was, apart from files the export itself had written and removes.
 */
export async function cleanOnFailure<T>(outDir: string, write: () => Promise<T>): Promise<T> {
  let created: string | null = null;
  for (let d = resolve(outDir); !existsSync(d); d = dirname(d)) {
    created = d;
    if (dirname(d) === d) break;
  }
  try {
    return await write();
  } catch (error) {
    if (created) await rm(created, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
}

async function exportFormat(run: RunForExport, format: ExportFormat, out: string, options: ExportRunOptions): Promise<ExportResult> {
  const id = options.baseModelId ? { baseModelId: options.baseModelId } : {};
  let result: ExportResult;
  switch (format) {
    case "gguf":
    case "gguf-f16":
    case "gguf-q8_0":
      result = await exportGgufLora({ adapterPath: run.adapterPath, outDir: out, type: format === "gguf" ? "F32" : format === "gguf-f16" ? "F16" : "Q8_0" });
      break;
    case "peft":
      result = await exportPeft(run, { outDir: out, ...id });
      break;
    case "ollama":
      result = await exportOllama(run, out);
      break;
    case "merged":
      result = await exportMerged({ basePath: run.baseModel.path, adapterPath: run.adapterPath, outDir: out, type: options.mergedType ?? "F16" });
      break;
    case "axolotl":
    case "llama-factory":
      result = await exportRecipe(run, format, out, id);
      break;
    default:
      return format satisfies never;
  }
  return result;
}
