import { rename } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { sha256File } from "../util/sha256File";

/**
 * Renames a freshly written file to `<stem>-<first 12 hex of its sha256><ext>` next to it and returns the new path.
 * Note: node-llama-cpp caches an adapter by its file path until the model is disposed, so a re-exported adapter
 * must never reuse the name of one that may be loaded; a content hash in the name makes equal files share a name
 * and different files never do.
 */
export async function contentHashedPath(tmpPath: string, stem: string): Promise<{ path: string; sha256: string }> {
  const sha256 = await sha256File(tmpPath);
  const ext = extname(basename(tmpPath).replace(/\.tmp$/, "")) || ".gguf";
  const path = join(dirname(tmpPath), `${stem}-${sha256.slice(0, 12)}${ext}`);
  await rename(tmpPath, path);
  return { path, sha256 };
}
