import { lstatSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { StudioApiError } from "../../contract/ApiError";

/** Longest path accepted, in UTF-8 bytes (Linux's PATH_MAX less the terminating NUL). */
export const MAX_PATH_BYTES = 4095;
/** Longest file or folder name, in UTF-8 bytes (NAME_MAX on Linux, macOS and NTFS in practice). */
export const MAX_NAME_BYTES = 255;
/** Grants beyond the fixed roots (home, --allow) kept at most; the oldest go first. */
export const DEFAULT_MAX_GRANTS = 1000;

/**
 * The files and folders the app may touch: its home folder, and what the user chose (a dialog, a drop, an upload,
 * a folder given to `lora-studio web --allow`). Every path that arrives through a door is checked here first.
 *
 * Paths are compared as the file system will see them: symbolic links are resolved in every existing part of the
 * path, so a link cannot lead out of a granted folder, also when the last parts do not exist yet (an export
 * folder to be created). A path whose existing part cannot be resolved (a dangling or looping link) is refused.
 */
export class PathGrants {
  /** The home folder and --allow folders: never pruned. */
  private readonly fixed = new Set<string>();
  /** What the user chose since, oldest first (a Set keeps insertion order). */
  private readonly chosen = new Set<string>();

  constructor(
    roots: Iterable<string> = [],
    private readonly maxGrants = DEFAULT_MAX_GRANTS,
  ) {
    for (const r of roots) {
      const p = canonical(r);
      if (p !== null) this.fixed.add(p);
    }
  }

  /** How many grants the user's choices added (the fixed roots not counted). */
  get size(): number {
    return this.chosen.size;
  }

  /**
   * Allows `path` and, when it is a folder, everything under it. A path already inside a fixed root adds nothing
   * (uploads land in home); past maxGrants the oldest choice is dropped. Returns the path as resolved.
   */
  grant(path: string): string {
    const bad = pathProblem(path);
    if (bad) throw new StudioApiError("invalid-input", bad);
    const p = canonical(path);
    if (p === null) return resolve(path);
    if (inside(this.fixed, p)) return p;
    this.chosen.delete(p);
    this.chosen.add(p);
    while (this.chosen.size > this.maxGrants) this.chosen.delete(this.chosen.values().next().value!);
    return p;
  }

  /** Drops the grants of `path` and of everything under it (a removed upload, say). */
  revoke(path: string): void {
    const p = canonical(path) ?? resolve(path);
    for (const root of [...this.chosen]) if (within(p, root) || root === resolve(path)) this.chosen.delete(root);
  }

  allows(path: string): boolean {
    if (typeof path !== "string" || !isAbsolute(path) || pathProblem(path) !== null) return false;
    const p = canonical(path);
    if (p === null) return false;
    return inside(this.fixed, p) || inside(this.chosen, p);
  }

  /**
   * Returns the resolved path, or throws: "invalid-input" for a path that is not one (relative, a NUL byte, too
   * long), "forbidden" naming it and what to do. Note: a path outside the granted folders is forbidden whether or
   * not it exists, so the answer never tells what exists there.
   */
  check(path: string): string {
    const bad = pathProblem(path);
    if (bad) throw new StudioApiError("invalid-input", bad);
    if (!isAbsolute(path)) throw new StudioApiError("invalid-input", `"${path}" is not an absolute path; choose the file with the file picker`);
    if (!this.allows(path)) {
      throw new StudioApiError("forbidden", `LoRA Studio may only read files you chose; ${path} was not chosen. Pick or drop it (or upload it) first`);
    }
    return resolve(path);
  }
}

/** Why `path` cannot be a path at all, or null. */
export function pathProblem(path: string): string | null {
  if (typeof path !== "string" || path.length === 0) return "a path is needed";
  if (path.includes("\0")) return "the path contains a NUL character; choose the file with the file picker";
  if (Buffer.byteLength(path, "utf8") > MAX_PATH_BYTES) return `the path is longer than ${MAX_PATH_BYTES} bytes; choose a file in a shorter folder`;
  const parts = path.split(/[\\/]/);
  if (parts.some((s) => Buffer.byteLength(s, "utf8") > MAX_NAME_BYTES)) return `a file or folder name in the path is longer than ${MAX_NAME_BYTES} bytes; rename it`;
  // Note: ".." would be collapsed here before links are followed, while the file system follows the link first.
  if (parts.includes("..")) return `the path contains ".."; give it without parent-folder steps`;
  return null;
}

function inside(roots: Set<string>, p: string): boolean {
  for (const root of roots) if (within(root, p)) return true;
  return false;
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}

/**
 * The path as the file system resolves it: the deepest existing ancestor through realpath, the parts that do not
 * exist yet appended. Null when an existing part cannot be resolved (a dangling or looping link, no permission).
 */
function canonical(path: string): string | null {
  const abs = resolve(path);
  const rest: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return rest.length === 0 ? realpathSync(current) : join(realpathSync(current), ...rest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file in the middle; the walk up reaches it and resolves it (a link to a file outside stays outside).
      if (code !== "ENOENT" && code !== "ENOTDIR") return null;
      // The name exists but does not resolve: a dangling link (writing through it would create its target).
      if (exists(current)) {
        if (code === "ENOENT") return null;
      }
      const parent = dirname(current);
      if (parent === current) return abs;
      rest.unshift(basename(current));
      current = parent;
    }
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
