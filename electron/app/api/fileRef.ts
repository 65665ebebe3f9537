import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { FileRef } from "../../contract/dto";
import { pathProblem } from "./PathGrants";

export async function fileRef(path: string): Promise<FileRef> {
  const bad = pathProblem(path);
  if (bad) throw new StudioApiError("invalid-input", bad);
  const s = await stat(path);
  return { path, name: basename(path), bytes: s.size };
}
