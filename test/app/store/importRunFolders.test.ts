/**
 * `lora-studio projects import RUN_DIR...` on a copy of a real home (made through the app's api: a project, a
 * dataset, a trained run), its database set aside as after damage and the original home gone: the project,
 * its dataset with every example, the run with its attempts, metrics and adapters, and its evaluation come back.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import { listAdapters } from "../../../electron/app/store/adapters";
import { listDatasets } from "../../../electron/app/store/datasets";
import { latestEvaluationOfRun } from "../../../electron/app/store/evaluationRows";
import { openStore } from "../../../electron/app/store/openStore";
import { listProjects } from "../../../electron/app/store/projects";
import { storePath } from "../../../electron/app/store/resolveHome";
import { listAttempts, listMetrics, listRuns } from "../../../electron/app/store/runs";
import { repoRoot } from "../../helpers/paths";
import { runCli } from "../../helpers/runCli";
import { openStudio } from "../api/studioFixture";
import { createStudioApi } from "../../../electron/app/api/createStudioApi";
import { dispatch } from "../../../electron/app/api/dispatch";
import type { StudioApiResults } from "../../../electron/contract/StudioApi";

const dir = mkdtempSync(join(tmpdir(), "import-runs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("projects import", () => {
  it("rebuilds projects, datasets, runs, metrics and evaluations from the run folders of a copied home", async () => {
    const f = openStudio();
    const sample = join(repoRoot, "resources/samples/clinic-faq.jsonl");
    f.studio.grants.grant(sample);
    const project = await f.call("createProject", { name: "Clinic FAQ", domain: "medical", language: "en" });
    const model = await f.call("useDemoModel", { architecture: "qwen2", preset: "tiny" });
    await f.call("updateProject", { projectId: project.id, modelId: model.id });
    const dataset = await f.call("importDataset", { projectId: project.id, paths: [sample], validationShare: 0.2 });
    const run = await f.call("startRun", { projectId: project.id, overrides: { seqLen: 128, batchSize: 1, gradAccum: 1, rank: 4, alpha: 8, evalEvery: 2, checkpointEvery: 2, earlyStopPatience: 0, maxSteps: 3 } });
    await f.waitFor((e: StudioEvent): e is StudioEvent => e.event === "training.progress" && e.payload.runId === run.id && e.payload.run.status === "finished", 180_000);
    const db0 = openStore(storePath(f.home));
    const before = { examples: listDatasets(db0, project.id)[0]!.exampleCount, metrics: listMetrics(db0, run.id).length, attempts: listAttempts(db0, run.id).length };
    db0.close();
    expect(before.examples).toBeGreaterThan(0);
    // The evaluation the app would write beside the run (eval.json), here written directly: evaluating needs llama.cpp.
    writeFileSync(join(run.outDir, "eval.json"), JSON.stringify({ version: 1, metrics: { tuned: { loss: 1.5 } } }));

    const home = join(dir, "copy");
    cpSync(f.home, home, { recursive: true });
    await f.close(); // the original home is gone: everything must come from the copy
    renameSync(storePath(home), `${storePath(home)}.damaged`);
    const runDirs = readdirSync(join(home, "runs")).map((n) => join(home, "runs", n));

    // The app's way (importRunFolders through dispatch): this home's run folders the store lacks, no path from the caller.
    const appHome = join(dir, "app-copy");
    cpSync(home, appHome, { recursive: true });
    const studio = createStudioApi({ home: appHome, door: "web", calibrate: false });
    const viaApi = await dispatch(studio.api, "importRunFolders", {});
    expect(viaApi.ok).toBe(true);
    const restored = (viaApi as { ok: true; value: StudioApiResults["importRunFolders"] }).value;
    expect(restored).toMatchObject({ runs: 1, skipped: [] });
    expect(restored.projects.map((p) => [p.name, p.latestRun?.status])).toEqual([["Clinic FAQ", "finished"]]);
    expect(await dispatch(studio.api, "importRunFolders", {})).toMatchObject({ ok: true, value: { runs: 0, projects: [] } });
    await studio.dispose();

    const imported = await runCli(["projects", "import", ...runDirs, join(dir, "not-a-run"), "--home", home, "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout).imported;
    expect(result.skipped).toEqual([{ dir: join(dir, "not-a-run"), reason: `${join(dir, "not-a-run", "run.json")} does not exist: give the folder of a training run (the one holding run.json)` }]);
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]).toMatchObject({ created: true, examples: before.examples, evaluation: true });

    const db = openStore(storePath(home));
    const projects = listProjects(db);
    expect(projects.map((p) => [p.name, p.domain, p.language])).toEqual([["Clinic FAQ", "medical", "en"]]);
    const [datasetBack] = listDatasets(db, projects[0]!.id);
    expect(datasetBack).toMatchObject({ name: dataset.name, exampleCount: before.examples });
    const [runBack] = listRuns(db, { projectId: projects[0]!.id });
    expect(runBack).toMatchObject({ status: "finished", step: 3, outDir: join(home, "runs", run.id), datasetId: datasetBack!.id });
    expect(listMetrics(db, runBack!.id)).toHaveLength(before.metrics);
    expect(listAttempts(db, runBack!.id)).toHaveLength(before.attempts);
    const [adapter] = listAdapters(db, { runId: runBack!.id });
    expect(adapter!.files.every((file) => file.path.startsWith(home) && existsSync(file.path))).toBe(true);
    expect(latestEvaluationOfRun(db, runBack!.id)).toMatchObject({ status: "finished", metrics: { metrics: { tuned: { loss: 1.5 } } } });
    db.close();

    // Importing again updates rather than duplicates.
    const again = await runCli(["projects", "import", ...runDirs, "--home", home, "--json"]);
    expect(JSON.parse(again.stdout).imported.runs[0]).toMatchObject({ created: false, evaluation: false });
    const db2 = openStore(storePath(home));
    expect(listProjects(db2)).toHaveLength(1);
    expect(listRuns(db2)).toHaveLength(1);
    db2.close();
  }, 300_000);
});
