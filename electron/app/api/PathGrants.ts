import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { StudioApiError } from "../../contract/ApiError";

/**
 * The files and folders the app may touch: its home folder, and what the user chose (a dialog, a drop, an upload,
 * a folder given to `lora-studio web --allow`). Every path that arrives through a door is checked here first.
 */
export class PathGrants {
  private readonly roots = new Set<string>();

  constructor(roots: Iterable<string> = []) {
    for (const r of roots) this.grant(r);
  }

  /** Allows `path` and, when it is a folder, everything under it. */
  grant(path: string): string {
    const p = canonical(path);
    this.roots.add(p);
    return p;
  }

  allows(path: string): boolean {
    if (!isAbsolute(path)) return false;
    const p = canonical(path);
    for (const root of this.roots) {
      const rel = relative(root, p);
      if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && rel.split(sep)[0] !== "..")) return true;
    }
    return false;
  }

  /** Returns the resolved path, or throws "forbidden" naming it and what to do. */
  check(path: string): string {
    if (!isAbsolute(path)) throw new StudioApiError("invalid-input", `"${path}" is not an absolute path; choose the file with the file picker`);
    if (!this.allows(path)) {
      throw new StudioApiError("forbidden", `LoRA Studio may only read files you chose; ${path} was not chosen. Pick or drop it (or upload it) first`);
    }
    return resolve(path);
  }
}

/** Resolves symbolic links where the path exists, so a link cannot lead out of a granted folder. */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
