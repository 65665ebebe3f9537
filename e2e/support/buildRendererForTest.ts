import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../test/helpers/paths";

/**
 * Builds the renderer into a folder of its own and returns it, for `lora-studio web --renderer DIR`. Note: e2e files
 * run side by side, and a build empties its output folder first: one shared dist/renderer would vanish under another
 * file's bridge while it serves.
 */
export function buildRendererForTest(): string {
  const out = mkdtempSync(join(tmpdir(), "lora-studio-e2e-renderer-"));
  const build = spawnSync(process.execPath, [join(repoRoot, "scripts/buildRenderer.mjs"), "--out", out], { cwd: repoRoot, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`building the renderer failed:\n${build.stdout}\n${build.stderr}`);
  return out;
}
