import { readdir, rm, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { PathGrants } from "../app/api/PathGrants";

/** Bytes all uploads of one home may take together: one largest upload (2 GiB) and room for data beside it. */
export const DEFAULT_UPLOAD_QUOTA = 4 * 1024 ** 3;

/**
 * `<home>/uploads`: one folder per upload. Keeps the total under a quota (counting uploads still arriving), and
 * removes an upload once it was imported (its content is in the store then) together with its grant.
 */
export class UploadStore {
  private arriving = 0;

  constructor(
    readonly dir: string,
    readonly quota: number,
    private readonly grants: PathGrants,
  ) {}

  /** Bytes on disk under the uploads folder plus what is being received now. */
  async used(): Promise<number> {
    return (await folderBytes(this.dir)) + this.arriving;
  }

  /** Counts bytes of an upload in progress (negative to give them back when it ends). */
  track(bytes: number): void {
    this.arriving += bytes;
  }

  /** The upload folder a path lies in, or null for a path that is not an upload. */
  folderOf(path: string): string | null {
    const rel = relative(this.dir, path);
    if (rel === "" || rel.startsWith("..") || rel.includes(":")) return null;
    const [id, ...rest] = rel.split(sep);
    return id && rest.length > 0 ? join(this.dir, id) : null;
  }

  /** Removes the upload folders of these paths (those that are uploads) and drops their grants. */
  async release(paths: readonly string[]): Promise<number> {
    let removed = 0;
    for (const folder of new Set(paths.map((p) => this.folderOf(p)).filter((f): f is string => f !== null))) {
      this.grants.revoke(folder);
      await rm(folder, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else if (e.isFile()) total += await stat(p).then((s) => s.size, () => 0);
  }
  return total;
}
