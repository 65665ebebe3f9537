import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { FileRef } from "../../contract/dto";

export async function fileRef(path: string): Promise<FileRef> {
  const s = await stat(path);
  return { path, name: basename(path), bytes: s.size };
}
