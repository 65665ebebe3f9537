import { statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, parse, resolve } from "node:path";

export type DroppedPathVerdict = { ok: true; path: string } | { ok: false; message: string };

/**
 * Whether a dropped path may be granted: an absolute path to one existing file. Note: a grant gives the app
 * read access to what it names, so a folder (worst of all a drive's root or the user's home) would open far more
 * than the user meant to hand over by dropping it; those are refused with a message that says what to drop.
 */
export function checkDroppedPath(path: unknown, home: string = homedir()): DroppedPathVerdict {
  if (typeof path !== "string" || path === "" || !isAbsolute(path)) return { ok: false, message: `a dropped file needs an absolute path, not ${JSON.stringify(path)}; drop the file again or use the Choose files button` };
  const full = resolve(path);
  if (full === parse(full).root) return { ok: false, message: `${full} is the root of a drive; drop the files themselves, not a whole drive` };
  if (full === resolve(home)) return { ok: false, message: `${full} is your home folder; drop the files themselves, not your whole home folder` };
  const stats = statSync(full, { throwIfNoEntry: false });
  if (!stats) return { ok: false, message: `${full} does not exist (any more); drop the file again` };
  if (stats.isDirectory()) return { ok: false, message: `${full} is a folder; LoRA Studio takes dropped files only: open the folder and drop the files in it` };
  if (!stats.isFile()) return { ok: false, message: `${full} is not a regular file (a device, socket or pipe); drop a data or model file` };
  return { ok: true, path: full };
}
