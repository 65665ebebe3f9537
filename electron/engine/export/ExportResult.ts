import { stat } from "node:fs/promises";
import { sha256File } from "../util/sha256File";

/** The export formats `lora-studio export --format` offers. */
export const EXPORT_FORMATS = ["gguf", "gguf-f16", "gguf-q8_0", "peft", "ollama", "merged", "axolotl", "llama-factory"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One file an export wrote, with what IT needs to check it arrived intact. */
export interface ExportedFile {
  path: string;
  /** What the file is, e.g. "GGUF LoRA adapter (F16)". */
  role: string;
  bytes: number;
  sha256: string;
  /** For GGUF files llama.cpp runs: how closely it reproduces the trained model (app/evaluation/measureExportParity). */
  parity?: FileParity;
}

/** llama.cpp with the file against the trained model on held-out tokens: log-probability differences in nats. */
export interface FileParity {
  maxAbsLogprobDiff: number;
  meanAbsLogprobDiff: number;
  tokens: number;
  /** The bound this kind of file must stay under. */
  bound: number;
  pass: boolean;
}

/** What every export returns (and the CLI prints): the files, and notes on choices made on the user's behalf. */
export interface ExportResult {
  format: ExportFormat | "import-peft" | "bundle";
  files: ExportedFile[];
  notes: string[];
}

export async function describeFile(path: string, role: string): Promise<ExportedFile> {
  const [s, sha256] = await Promise.all([stat(path), sha256File(path)]);
  return { path, role, bytes: s.size, sha256 };
}
