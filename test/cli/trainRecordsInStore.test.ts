/** A run trained from the CLI appears in the app: it is recorded in the store of the home it was given. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../electron/app/store/openStore";
import { listProjects } from "../../electron/app/store/projects";
import { storePath } from "../../electron/app/store/resolveHome";
import { listRuns } from "../../electron/app/store/runs";
import { runCli } from "../helpers/runCli";
import { tinyTrainingFixture } from "../helpers/tinyTrainingFixture";

const { dir, model, data } = tinyTrainingFixture("train-store-", 12);

describe("lora-studio train and the app's store", () => {
  it("records the finished run in 'Imported runs' of the given home, once; and --no-store leaves the store alone", async () => {
    const home = join(dir, "home");
    const args = (out: string) => ["train", "--model", model, "--data", data, "--out", out, "--defaults", "--max-steps", "2", "--seq-len", "64", "--home", home];
    const out = join(dir, "run");
    const r = await runCli(args(out));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/recorded in the app's projects/);
    // Importing it again (lora-studio projects import) updates the record, never doubles it.
    expect((await runCli(["projects", "import", out, "--home", home])).code).toBe(0);
    expect((await runCli([...args(join(dir, "private")), "--no-store"])).code).toBe(0);

    const db = openStore(storePath(home));
    try {
      const projects = listProjects(db);
      expect(projects.map((p) => p.name)).toEqual(["Imported runs"]);
      const runs = listRuns(db, { projectId: projects[0]!.id });
      expect(runs.map((x) => [x.outDir, x.status])).toEqual([[out, "finished"]]);
    } finally {
      db.close();
    }
  }, 180_000);
});
