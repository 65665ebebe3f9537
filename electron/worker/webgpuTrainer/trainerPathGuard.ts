import { isAbsolute, relative, resolve, sep } from "node:path";
import type { TrainJob } from "../../engine/training/TrainJob";

/** A trainer page asked for a path its job does not own: refused, and the run fails with this. */
export class TrainerPathRefusedError extends Error {
  override name = "TrainerPathRefused";
}

export type TrainerAccess = "model" | "data" | "run-folder" | "in-run-folder";

/**
 * The only paths a trainer page may touch, from its job: the base model (read), the prepared data files (read),
 * and the run folder (outDir) and what is inside it (read and write). Anything else, a relative path, `..` out
 * of the folder, or a NUL byte, is refused with an error naming the path and the folder.
 */
export function trainerPathGuard(job: Pick<TrainJob, "modelPath" | "trainPath" | "validationPath" | "outDir">): (path: unknown, access: TrainerAccess) => string {
  const outDir = resolve(job.outDir);
  const model = resolve(job.modelPath);
  const data = new Set([job.trainPath, job.validationPath].filter((p): p is string => typeof p === "string").map((p) => resolve(p)));
  return (path, access) => {
    if (typeof path !== "string" || path.length === 0 || path.includes("\0") || !isAbsolute(path)) {
      throw new TrainerPathRefusedError(`the trainer window asked for ${JSON.stringify(path)}, which is not an absolute path; refused`);
    }
    const full = resolve(path);
    if (access === "model") {
      if (full !== model) throw new TrainerPathRefusedError(`the trainer window asked to read ${full}, which is not this run's model (${model}); refused`);
      return full;
    }
    if (access === "data") {
      if (!data.has(full)) throw new TrainerPathRefusedError(`the trainer window asked to read ${full}, which is not this run's prepared data; refused`);
      return full;
    }
    const rel = relative(outDir, full);
    const inside = rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
    if (inside || (access === "run-folder" && rel === "")) return full;
    throw new TrainerPathRefusedError(`the trainer window asked to use ${full}, outside the run folder ${outDir}; refused`);
  };
}
