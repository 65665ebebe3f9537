import { existsSync, readdirSync } from "node:fs";
import type { LoraWeights } from "../lora/LoraAdapter";
import type { AdamWState } from "./AdamW";
import { nodeRunFiles } from "./nodeRunFiles";
import type { RunFiles } from "./RunFiles";

/** Everything a run needs to continue exactly where it stopped. */
export interface CheckpointContent<S, C> {
  /** Loop position, data order, RNG state... (JSON). */
  state: S;
  /** The whole training configuration (JSON). */
  config: C;
  adapter: LoraWeights;
  /** The adapter with the best validation loss so far, if any. */
  best: LoraWeights | null;
  optimizer: AdamWState;
}

interface TensorIndexEntry {
  group: "adapter" | "best" | "adam_m" | "adam_v";
  name: string;
  shape: number[];
  /** Offset and length in float32 elements within tensors.bin. */
  offset: number;
  length: number;
}

const PREFIX = "step-";
/** Written after the data files: their sizes and sha256, so a resume can tell a damaged checkpoint from a whole one. */
const MANIFEST = "manifest.json";

/** The one write the store does, injectable so tests can make it fail like a full disk. */
export type WriteSynced = (path: string, chunks: ArrayBufferView[]) => Promise<void>;

/**
 * Writes checkpoint DIR/step-<n>/ atomically: into a temporary folder, flushed to disk, then renamed, so a
 * crash or a full disk never leaves a half-written checkpoint; older ones are removed only afterwards,
 * keeping the newest `keep`. `files` is node:fs in a training process, the main process's in a trainer window.
 */
export async function saveCheckpoint<S, C>(
  dir: string,
  step: number,
  content: CheckpointContent<S, C>,
  options: { keep?: number; write?: WriteSynced; files?: RunFiles } = {},
): Promise<string> {
  const { keep = 2, files = nodeRunFiles } = options;
  const write = options.write ?? ((path: string, chunks: ArrayBufferView[]) => files.writeFile(path, chunks));
  const join = files.join;
  await files.mkdir(dir);
  const name = `${PREFIX}${String(step).padStart(7, "0")}`;
  const tmp = join(dir, `.tmp-${name}-${files.tmpTag}`);
  await files.rm(tmp);
  await files.mkdir(tmp);
  try {
    await writeContent(tmp, step, content, write, files);
  } catch (error) {
    await files.rm(tmp).catch(() => {});
    const code = (error as { code?: string }).code;
    if (code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG") {
      throw new CheckpointWriteError(
        `no space left to write the checkpoint of step ${step} in ${dir} (${code}); the previous checkpoint is intact: free some disk space, then continue with --resume`,
      );
    }
    throw error;
  }
  const final = join(dir, name);
  await files.rm(final);
  await files.rename(tmp, final);
  const all = await listCheckpoints(dir, files);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await files.rm(join(dir, old));
  return final;
}

export class CheckpointWriteError extends Error {
  override name = "CheckpointWriteError";
}

async function writeContent<S, C>(tmp: string, step: number, content: CheckpointContent<S, C>, write: WriteSynced, files: RunFiles): Promise<void> {
  const join = files.join;
  const index: TensorIndexEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const addGroup = (group: TensorIndexEntry["group"], tensors: Record<string, { shape: number[]; values: Float32Array }>) => {
    for (const [tensorName, t] of Object.entries(tensors)) {
      index.push({ group, name: tensorName, shape: t.shape, offset, length: t.values.length });
      chunks.push(t.values);
      offset += t.values.length;
    }
  };
  addGroup("adapter", content.adapter);
  if (content.best) addGroup("best", content.best);
  const moments = Object.entries(content.optimizer.moments);
  addGroup("adam_m", Object.fromEntries(moments.map(([n, m]) => [n, { shape: [m.m.length], values: m.m }])));
  addGroup("adam_v", Object.fromEntries(moments.map(([n, m]) => [n, { shape: [m.v.length], values: m.v }])));

  await write(join(tmp, "tensors.bin"), chunks);
  const meta = { version: 1, step, state: content.state, config: content.config, optimizerStep: content.optimizer.step, tensors: index };
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  await write(join(tmp, "checkpoint.json"), [metaBytes]);
  const listed: Record<string, { bytes: number; sha256: string }> = {
    "tensors.bin": { bytes: chunks.reduce((n, c) => n + c.byteLength, 0), sha256: await files.sha256(chunks) },
    "checkpoint.json": { bytes: metaBytes.byteLength, sha256: await files.sha256([metaBytes]) },
  };
  await write(join(tmp, MANIFEST), [new TextEncoder().encode(JSON.stringify({ version: 1, step, files: listed }))]);
}

/** Whether DIR holds at least one checkpoint (whole or not: resume then says which it used). */
export function hasCheckpoint(dir: string): boolean {
  try {
    return existsSync(dir) && readdirSync(dir).some((n) => n.startsWith(PREFIX));
  } catch {
    return false;
  }
}

/** A checkpoint that failed verification on resume, and why. */
export interface SkippedCheckpoint {
  path: string;
  step: number;
  reason: string;
}

/** No whole checkpoint in a folder that has some: says which files are damaged and what to do. */
export class CheckpointDamagedError extends Error {
  override name = "CheckpointDamaged";
}

export type LoadedCheckpoint<S, C> = CheckpointContent<S, C> & { path: string; step: number; skipped: SkippedCheckpoint[] };

/**
 * The newest whole checkpoint in DIR, or null when there is none. Each is verified first (manifest sizes and
 * sha256, then the index); a damaged newer one is skipped and listed in `skipped`, so the caller can say so.
 * When every checkpoint is damaged, throws CheckpointDamagedError naming the files and what to do.
 */
export async function loadLatestCheckpoint<S, C>(dir: string, files: RunFiles = nodeRunFiles): Promise<LoadedCheckpoint<S, C> | null> {
  const join = files.join;
  const all = await listCheckpoints(dir, files).catch(() => [] as string[]);
  if (all.length === 0) return null;
  const skipped: SkippedCheckpoint[] = [];
  for (const name of [...all].reverse()) {
    const path = join(dir, name);
    try {
      return { ...(await loadCheckpoint<S, C>(path, files)), skipped };
    } catch (error) {
      skipped.push({ path, step: Number(name.slice(PREFIX.length)), reason: (error as Error).message });
    }
  }
  throw new CheckpointDamagedError(
    `no whole checkpoint in ${dir}: ${skipped.map((s) => s.reason).join("; ")}; to start the run again from the beginning, delete the folder ${dir} and resume`,
  );
}

/** Reads and verifies one checkpoint folder; throws an error naming the damaged file. */
async function loadCheckpoint<S, C>(path: string, files: RunFiles): Promise<CheckpointContent<S, C> & { path: string; step: number }> {
  const join = files.join;
  const read = async (file: string) => {
    try {
      return await files.readFile(join(path, file));
    } catch (error) {
      throw new Error(`${join(path, file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  };
  const bin = await read("tensors.bin");
  const metaBytes = await read("checkpoint.json");
  // Checkpoints written before manifests existed are read without one (the index checks below still apply).
  if (await files.exists(join(path, MANIFEST))) {
    let manifest: { files: Record<string, { bytes: number; sha256: string }> };
    try {
      manifest = JSON.parse(utf8(await read(MANIFEST)));
    } catch (error) {
      throw new Error(`${join(path, MANIFEST)} is damaged (${(error as Error).message})`);
    }
    for (const [file, bytes] of [["tensors.bin", bin], ["checkpoint.json", metaBytes]] as const) {
      const want = manifest.files?.[file];
      if (!want) throw new Error(`${join(path, MANIFEST)} does not list ${file}`);
      if (bytes.byteLength !== want.bytes) throw new Error(`${join(path, file)} is damaged: ${bytes.byteLength} bytes instead of ${want.bytes}`);
      if ((await files.sha256([bytes])) !== want.sha256) throw new Error(`${join(path, file)} is damaged: its sha256 differs from the one written with it`);
    }
  }
  let meta: { step: number; state: S; config: C; optimizerStep: number; tensors: TensorIndexEntry[] };
  try {
    meta = JSON.parse(utf8(metaBytes));
  } catch (error) {
    throw new Error(`${join(path, "checkpoint.json")} is damaged (${(error as Error).message})`);
  }
  if (bin.byteLength % 4 !== 0) throw new Error(`${join(path, "tensors.bin")} is damaged: ${bin.byteLength} bytes is not a whole number of float32 values`);
  const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
  const groups: Record<TensorIndexEntry["group"], LoraWeights> = { adapter: {}, best: {}, adam_m: {}, adam_v: {} };
  for (const e of meta.tensors ?? []) {
    if (e.offset + e.length > floats.length) throw new Error(`${join(path, "tensors.bin")} is damaged: tensor ${e.name} lies past its end`);
    groups[e.group][e.name] = { shape: e.shape, values: floats.slice(e.offset, e.offset + e.length) };
  }
  const moments: AdamWState["moments"] = {};
  for (const [n, m] of Object.entries(groups.adam_m)) {
    const v = groups.adam_v[n];
    if (!v) throw new Error(`${join(path, "checkpoint.json")} is damaged: no second moment for ${n}`);
    moments[n] = { m: m.values, v: v.values };
  }
  return {
    path,
    step: meta.step,
    state: meta.state,
    config: meta.config,
    adapter: groups.adapter,
    best: Object.keys(groups.best).length ? groups.best : null,
    optimizer: { step: meta.optimizerStep, moments },
  };
}

async function listCheckpoints(dir: string, files: RunFiles): Promise<string[]> {
  return (await files.readdir(dir)).filter((n) => n.startsWith(PREFIX)).sort();
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
