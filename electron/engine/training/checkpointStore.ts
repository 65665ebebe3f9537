import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { LoraWeights } from "../lora/LoraAdapter";
import type { AdamWState } from "./AdamW";

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

/** The one write the store does, injectable so tests can make it fail like a full disk. */
export type WriteSynced = (path: string, chunks: ArrayBufferView[]) => Promise<void>;

/**
 * Writes checkpoint DIR/step-<n>/ atomically: into a temporary folder, flushed to disk, then renamed, so a
 * crash or a full disk never leaves a half-written checkpoint; older ones are removed only afterwards,
 * keeping the newest `keep`.
 */
export async function saveCheckpoint<S, C>(
  dir: string,
  step: number,
  content: CheckpointContent<S, C>,
  options: { keep?: number; write?: WriteSynced } = {},
): Promise<string> {
  const { keep = 2, write = writeSynced } = options;
  await mkdir(dir, { recursive: true });
  const name = `${PREFIX}${String(step).padStart(7, "0")}`;
  const tmp = join(dir, `.tmp-${name}-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  try {
    await writeContent(tmp, step, content, write);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    const code = (error as { code?: string }).code;
    if (code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG") {
      throw new CheckpointWriteError(
        `no space left to write the checkpoint of step ${step} in ${dir} (${code}); the previous checkpoint is intact: free some disk space, then continue with --resume`,
      );
    }
    throw error;
  }
  const final = join(dir, name);
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  const all = await listCheckpoints(dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await rm(join(dir, old), { recursive: true, force: true });
  return final;
}

export class CheckpointWriteError extends Error {
  override name = "CheckpointWriteError";
}

async function writeContent<S, C>(tmp: string, step: number, content: CheckpointContent<S, C>, write: WriteSynced): Promise<void> {
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
  await write(join(tmp, "checkpoint.json"), [new TextEncoder().encode(JSON.stringify(meta))]);
}

/** The newest complete checkpoint in DIR, or null when there is none. */
export async function loadLatestCheckpoint<S, C>(dir: string): Promise<(CheckpointContent<S, C> & { path: string; step: number }) | null> {
  const all = await listCheckpoints(dir).catch(() => [] as string[]);
  const latest = all.at(-1);
  if (!latest) return null;
  const path = join(dir, latest);
  const meta = JSON.parse(await readFile(join(path, "checkpoint.json"), "utf8"));
  const bin = await readFile(join(path, "tensors.bin"));
  const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
  const groups: Record<TensorIndexEntry["group"], LoraWeights> = { adapter: {}, best: {}, adam_m: {}, adam_v: {} };
  for (const e of meta.tensors as TensorIndexEntry[]) {
    if (e.offset + e.length > floats.length) throw new Error(`checkpoint ${path} is damaged: tensor ${e.name} lies past the end of tensors.bin`);
    groups[e.group][e.name] = { shape: e.shape, values: floats.slice(e.offset, e.offset + e.length) };
  }
  const moments: AdamWState["moments"] = {};
  for (const [n, m] of Object.entries(groups.adam_m)) moments[n] = { m: m.values, v: groups.adam_v[n]!.values };
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

async function listCheckpoints(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith(PREFIX)).sort();
}

async function writeSynced(path: string, chunks: ArrayBufferView[]): Promise<void> {
  const handle = await open(path, "w");
  try {
    for (const c of chunks) await handle.write(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    await handle.sync();
  } finally {
    await handle.close();
  }
}
