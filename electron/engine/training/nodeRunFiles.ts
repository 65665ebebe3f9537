import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RunFiles } from "./RunFiles";

/** RunFiles over node:fs: the training process's, and the trainer window host's once it has checked a path. */
export const nodeRunFiles: RunFiles = {
  join: (...parts) => join(...parts),
  mkdir: async (dir) => void (await mkdir(dir, { recursive: true })),
  readdir: (dir) => readdir(dir),
  exists: async (path) => existsSync(path),
  readFile: async (path) => readFile(path),
  writeFile: writeSynced,
  rename: (from, to) => rename(from, to),
  rm: (path) => rm(path, { recursive: true, force: true }),
  sha256: async (chunks) => {
    const hash = createHash("sha256");
    for (const c of chunks) hash.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    return hash.digest("hex");
  },
  get tmpTag() {
    return String(process.pid);
  },
};

async function writeSynced(path: string, chunks: ArrayBufferView[]): Promise<void> {
  const handle = await open(path, "w");
  try {
    for (const c of chunks) await handle.write(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    await handle.sync();
  } finally {
    await handle.close();
  }
}
