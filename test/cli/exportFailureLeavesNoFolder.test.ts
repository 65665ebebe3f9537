/** A failed export or bundle (here: the run has no adapter yet) leaves no empty folder behind, and keeps folders that existed. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportBundle } from "../../electron/app/evaluation/exportBundle";
import { cleanOnFailure, exportRun } from "../../electron/engine/export/exportRun";

const dir = mkdtempSync(join(tmpdir(), "export-failure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = join(dir, "run");
mkdirSync(run);
writeFileSync(join(run, "run.json"), JSON.stringify({ version: 1, status: "interrupted", createdAt: "2026-01-01T00:00:00Z", baseModel: { path: join(dir, "m.gguf"), sha256: "a", architecture: "llama", parameters: 1 }, data: { files: [], sha256: "b", trainExamples: 1, validationExamples: 0, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" }, job: { config: { lora: { rank: 4, alpha: 8 } } }, attempts: [] }));

describe("a failed export", () => {
  it("bundle: no folder is left where none was", async () => {
    const out = join(dir, "new", "bundle");
    await expect(exportBundle(run, out)).rejects.toThrow(/adapter\.gguf does not exist/);
    expect(existsSync(join(dir, "new"))).toBe(false);
  });

  it("bundle: a damaged run.json is named", async () => {
    const broken = join(dir, "broken");
    mkdirSync(broken);
    writeFileSync(join(broken, "run.json"), '{"version": 1, "sta');
    await expect(exportBundle(broken, join(dir, "out2"))).rejects.toThrow(`${join(broken, "run.json")} is damaged (`);
    expect(existsSync(join(dir, "out2"))).toBe(false);
  });

  it("a folder that existed is kept with what was in it; what the export created in it goes", async () => {
    const out = join(dir, "existing");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "mine");
    await expect(exportRun(run, "peft", join(out, "peft"))).rejects.toThrow(/does not exist/);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
    await expect(cleanOnFailure(join(out, "a", "b"), async () => {
      mkdirSync(join(out, "a", "b"), { recursive: true });
      writeFileSync(join(out, "a", "b", "half.bin"), "x");
      throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
    })).rejects.toThrow("ENOSPC");
    expect(readdirSync(out)).toEqual(["keep.txt"]);
  });
});
