import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import { exportRun } from "../../engine/export/exportRun";
import { addAdapter, listAdapters, type Adapter } from "../store/adapters";
import type { Db } from "../store/openStore";
import type { Run } from "../store/runs";

/**
 * The run's adapter as a GGUF LoRA for llama.cpp, exported once into <run>/chat (content-named, so a newer adapter
 * never reuses an old file name), and the adapter record it belongs to (made when the store has none yet).
 */
export async function runAdapter(db: Db, run: Run): Promise<{ path: string; adapter: Adapter }> {
  if (!existsSync(join(run.outDir, "adapter.gguf"))) {
    throw new StudioApiError("conflict", `run ${run.id} has no adapter yet (it is ${run.status}); let it finish (or resume it) before comparing or exporting`);
  }
  const dir = join(run.outDir, "chat");
  let path = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".gguf")).map((f) => join(dir, f))[0] : undefined;
  if (!path) {
    const result = await exportRun(run.outDir, "gguf", dir);
    path = result.files[0]!.path;
  }
  const adapter = listAdapters(db, { runId: run.id })[0] ?? addAdapter(db, { projectId: run.projectId, runId: run.id, name: `adapter of run ${run.id.slice(0, 8)}`, files: [] });
  return { path, adapter };
}
