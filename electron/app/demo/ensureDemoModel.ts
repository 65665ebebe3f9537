import { existsSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { openGguf } from "../../engine/gguf/GgufFile";
import { makeTinyModel, type TinyArch } from "../../engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../../engine/gguf/tiny/presets";

export interface DemoModel {
  path: string;
  /** Whether an earlier run's model was reused. */
  reused: boolean;
  arch: TinyArch;
  preset: PresetName;
}

/** The demo's random-weight model in workDir/models, made with make-model once and reused while it reads back whole. */
export async function ensureDemoModel(workDir: string, arch: TinyArch = "qwen2", preset: PresetName = "small"): Promise<DemoModel> {
  const dir = join(workDir, "models");
  const path = join(dir, `demo-${arch}-${preset}.gguf`);
  if (existsSync(path) && (await readsBack(path))) return { path, reused: true, arch, preset };
  await mkdir(dir, { recursive: true });
  // Written under a temporary name and renamed, so an interrupted write never leaves a half model to reuse.
  const partial = `${path}.partial-${process.pid}`;
  await makeTinyModel({ arch, preset, seed: 0, out: partial });
  await rename(partial, path);
  return { path, reused: false, arch, preset };
}

async function readsBack(path: string): Promise<boolean> {
  try {
    const file = await openGguf(path);
    const ok = file.tensors.length > 0 && file.fileSize >= file.dataOffset;
    await file.close();
    return ok;
  } catch {
    return false;
  }
}
