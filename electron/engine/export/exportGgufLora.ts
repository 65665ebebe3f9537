import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { contentHashedPath } from "./contentHashedPath";
import { describeFile, type ExportResult } from "./ExportResult";
import { readAdapterPairs } from "../lora/readAdapterPairs";
import { adapterTypeFor, writeAdapterGguf, type AdapterType } from "../lora/writeAdapterGguf";

export interface GgufLoraExportOptions {
  /** The trained GGUF LoRA (a run's adapter.gguf). */
  adapterPath: string;
  outDir: string;
  type: AdapterType;
}

/**
 * Re-encodes a trained adapter as a GGUF LoRA of the asked type under a content-hashed name
 * (adapter-<type>-<hash12>.gguf). The q/k rows stay in GGUF order: training ran on GGUF-layout tensors.
 */
export async function exportGgufLora(options: GgufLoraExportOptions): Promise<ExportResult & { adapterPath: string }> {
  const { architecture, alpha, pairs } = await readAdapterPairs(options.adapterPath);
  const { type, note } = adapterTypeFor(pairs, options.type);
  await mkdir(options.outDir, { recursive: true });
  const tmp = join(options.outDir, `adapter-${type.toLowerCase()}.gguf.tmp`);
  await writeAdapterGguf(tmp, pairs, alpha, architecture, type);
  const { path } = await contentHashedPath(tmp, `adapter-${type.toLowerCase()}`);
  const notes = [
    `GGUF LoRA for ${architecture} bases, ${pairs.length} adapted projections, alpha ${alpha} (llama.cpp scales each pair by alpha / r)`,
    "the file name carries its content hash: node-llama-cpp caches adapters by path, so a new adapter never reuses an old name",
  ];
  if (note) notes.push(note);
  return { format: options.type === "F32" ? "gguf" : options.type === "F16" ? "gguf-f16" : "gguf-q8_0", files: [await describeFile(path, `GGUF LoRA adapter (${type})`)], notes, adapterPath: path };
}
