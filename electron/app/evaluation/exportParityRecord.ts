import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { FileParity } from "../../engine/export/ExportResult";
import { writeJsonAtomic } from "../../engine/training/runTrainingJob";

/** One exported GGUF file's check against the trained model, as kept in the run folder for the report. */
export interface ExportParityEntry {
  /** Where the file was written (inside a bundle: the zip's path, then the file's path inside it). */
  path: string;
  /** What the file is, e.g. "GGUF LoRA adapter (F16)". */
  role: string;
  measuredAt: string;
  /** The measurement, or null where it could not be made here (`reason` says why). */
  parity: FileParity | null;
  reason?: string;
}

/** DIR/export-parity.json: the export checks of a run, newest per file path. */
export interface ExportParityRecord {
  version: 1;
  files: ExportParityEntry[];
}

export const EXPORT_PARITY_FILE = "export-parity.json";

/** The run's recorded export checks (none when it was never exported, or the file is unreadable). */
export async function readExportParity(runDir: string): Promise<ExportParityEntry[]> {
  const text = await readFile(join(runDir, EXPORT_PARITY_FILE), "utf8").catch(() => null);
  if (text === null) return [];
  try {
    const record = JSON.parse(text) as ExportParityRecord;
    return Array.isArray(record.files) ? record.files : [];
  } catch {
    return [];
  }
}

/** Adds (or replaces, by path) export checks in DIR/export-parity.json, so the report can show them later. */
export async function recordExportParity(runDir: string, entries: readonly ExportParityEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const replaced = new Set(entries.map((e) => e.path));
  const files = [...(await readExportParity(runDir)).filter((e) => !replaced.has(e.path)), ...entries];
  const record: ExportParityRecord = { version: 1, files };
  await writeJsonAtomic(join(runDir, EXPORT_PARITY_FILE), record);
}

/** A short name for a recorded file: its name, with its folder when that says more (gguf-f16/adapter.gguf). */
export function parityFileLabel(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length >= 2 ? `${parts.at(-2)}/${parts.at(-1)}` : basename(path);
}
