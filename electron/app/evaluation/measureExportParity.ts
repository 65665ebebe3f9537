import { readFile, stat } from "node:fs/promises";
import { scoreVariantsWithLlamaCpp } from "../../engine/inference/scoreWithLlamaCpp";
import { scoreWithTfjs } from "../../engine/inference/scoreWithTfjs";
import { loadRunForExport } from "../../engine/export/loadRunForExport";
import type { ExportedFile, FileParity } from "../../engine/export/ExportResult";
import { recordExportParity, type ExportParityEntry } from "./exportParityRecord";

export type ExportParity = FileParity;

/** A GGUF file that llama.cpp can run: an adapter on the base model, or a merged model on its own. */
export interface ParityFile {
  path: string;
  kind: "adapter" | "merged";
  /** The tensor type written: F32, F16 or Q8_0. */
  type: "F32" | "F16" | "Q8_0";
}

/**
 * Bounds per kind of file, in nats per token. The F32 adapter is the trained weights: llama.cpp agrees to 5e-3, as
 * the engine's parity tests hold (measured 5.5e-6). Note: llama.cpp's CPU matmul rounds the activations to the
 * weights' own type first (ggml's vec_dot_type: F16 for F16 weights, Q8_0 blocks for Q8_0), so F16 and Q8_0 files
 * differ by more than their weights alone would, and more as the adapter grows. Measured on the test models (tiny
 * qwen2, 144 held-out tokens; test/app/evaluation/exportParity.test.ts and evaluateTrainedRun.test.ts): F16 adapter
 * 5.0e-3 (rank 32, 20 steps at lr 1e-2) and 1.1e-2 (rank 8, 150 steps), Q8_0 adapter 1.2e-1, merged F16 5.4e-3,
 * merged Q8_0 2.2e-1. The bounds leave about twice that: they flag a broken or wrong file (a different run's
 * adapter is off by whole nats), not a slightly coarser one.
 */
export const PARITY_BOUNDS: Record<ParityFile["kind"], Record<ParityFile["type"], number>> = {
  adapter: { F32: 5e-3, F16: 2.5e-2, Q8_0: 2.5e-1 },
  merged: { F32: 5e-3, F16: 2.5e-2, Q8_0: 5e-1 },
};

/** The kind and type of an exported file from its role ("GGUF LoRA adapter (F16)", "merged model GGUF (Q8_0)"). */
export function parityFileOf(path: string, role: string): ParityFile | null {
  const type = /\((F32|F16|Q8_0)\)/.exec(role)?.[1] as ParityFile["type"] | undefined;
  if (!type || !path.endsWith(".gguf")) return null;
  if (/^GGUF LoRA adapter/.test(role)) return { path, kind: "adapter", type };
  if (/^merged model GGUF/.test(role)) return { path, kind: "merged", type };
  return null;
}

export interface ParityOptions {
  /** Held-out sequences scored (the first ones of the validation file, else of the training file). */
  sequences?: number;
  /**
   * Largest base model (file bytes) scored in this process (default 512 MB). Note: the trainer's side loads the
   * model into tfjs's wasm heap, which never shrinks; in the app's long-lived process a real model would keep
   * gigabytes for good. Larger models are checked by `lora-studio export` (a process of its own, no limit).
   */
  inProcessLimitBytes?: number;
  /** Tokens per sequence at most. */
  maxTokens?: number;
  /** How a file's path is kept in DIR/export-parity.json for the report (a bundle's files: inside its zip). */
  recordPath?: (path: string) => string;
}

/**
 * Scores the run's held-out sequences with the trained model (this project's engine, base + the run's adapter) and
 * with llama.cpp + each exported file, and compares log-probabilities token by token.
 */
export async function measureExportParity(runDir: string, files: readonly ParityFile[], options: ParityOptions = {}): Promise<Map<string, ExportParity>> {
  const out = new Map<string, ExportParity>();
  if (files.length === 0) return out;
  const run = await loadRunForExport(runDir);
  const dataPath = run.record.job.validationPath ?? run.record.job.trainPath;
  if (!dataPath) throw new Error(`the run in ${runDir} records no prepared data to score; export still wrote the files`);
  const lines = (await readFile(dataPath, "utf8")).split("\n").filter((l) => l.trim());
  const sequences = lines.slice(0, options.sequences ?? 2).map((l) => (JSON.parse(l) as { tokens: number[] }).tokens.slice(0, options.maxTokens ?? 128)).filter((t) => t.length >= 2);
  if (sequences.length === 0) throw new Error(`${dataPath} holds no sequence of 2 or more tokens to score`);

  const diffs = new Map<string, number[]>(files.map((f) => [f.path, []]));
  for (const tokens of sequences) {
    const { logprobs: reference } = await scoreWithTfjs(run.baseModel.path, tokens, { adapter: { filePath: run.adapterPath } });
    const adapters = files.filter((f) => f.kind === "adapter");
    const withAdapters = await scoreVariantsWithLlamaCpp(run.baseModel.path, tokens, adapters.map((f) => ({ loras: [{ filePath: f.path }] })));
    adapters.forEach((f, i) => diffs.get(f.path)!.push(...withAdapters[i]!.map((x, j) => Math.abs(x - reference[j]!))));
    for (const f of files.filter((x) => x.kind === "merged")) {
      const [merged] = await scoreVariantsWithLlamaCpp(f.path, tokens, [{}]);
      diffs.get(f.path)!.push(...merged!.map((x, j) => Math.abs(x - reference[j]!)));
    }
  }
  for (const f of files) {
    const d = diffs.get(f.path)!;
    const max = Math.max(...d);
    const bound = PARITY_BOUNDS[f.kind][f.type];
    out.set(f.path, { maxAbsLogprobDiff: max, meanAbsLogprobDiff: d.reduce((s, x) => s + x, 0) / d.length, tokens: d.length, bound, pass: max <= bound });
  }
  return out;
}

/**
 * Adds `parity` to every GGUF file llama.cpp runs among these exports (in place). A measurement that cannot be made
 * (no prepared data left in the run folder) costs the user nothing: the files stay written and a note says why.
 */
export async function addExportParity(runDir: string, results: readonly { files: ExportedFile[]; notes: string[] }[], options: ParityOptions = {}): Promise<void> {
  const files = results.flatMap((r) => r.files.flatMap((f) => parityFileOf(f.path, f.role) ?? []));
  if (files.length === 0) return;
  const limit = options.inProcessLimitBytes ?? 512 * 2 ** 20;
  const note = (text: string) => results.find((r) => r.files.some((f) => parityFileOf(f.path, f.role)))?.notes.push(text);
  const measuredAt = new Date().toISOString();
  const exported = results.flatMap((r) => r.files.filter((f) => parityFileOf(f.path, f.role)));
  const entry = (f: ExportedFile, parity: FileParity | null, reason?: string): ExportParityEntry => ({ path: options.recordPath?.(f.path) ?? f.path, role: f.role, measuredAt, parity, ...(reason ? { reason } : {}) });
  // The report (report.html) shows these later: kept in the run folder; a failure to keep them costs nothing else.
  const keep = (entries: ExportParityEntry[]) => recordExportParity(runDir, entries).catch(() => {});
  try {
    const run = await loadRunForExport(runDir);
    const bytes = (await stat(run.baseModel.path)).size;
    if (bytes > limit) {
      note(`not checked against the trained model here (the base model is ${Math.round(bytes / 2 ** 20)} MB); run \`lora-studio export --run ${runDir} --format gguf --out FOLDER --json\` for the check`);
      await keep(exported.map((f) => entry(f, null, `the base model (${Math.round(bytes / 2 ** 20)} MB) is checked by lora-studio export --json, not in the app`)));
      return;
    }
    const parity = await measureExportParity(runDir, files, options);
    for (const r of results) for (const f of r.files) if (parity.has(f.path)) f.parity = parity.get(f.path)!;
    await keep(exported.map((f) => entry(f, f.parity ?? null)));
  } catch (error) {
    note(`the exported files could not be checked against the trained model: ${(error as Error).message}`);
    await keep(exported.map((f) => entry(f, null, (error as Error).message.split("\n")[0]!)));
  }
}
