import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { countExamples, listDatasets } from "../../../electron/app/store/datasets";
import { openStore } from "../../../electron/app/store/openStore";
import { listProjects } from "../../../electron/app/store/projects";

const dir = mkdtempSync(join(tmpdir(), "store-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a dataset import killed part-way", () => {
  it("leaves nothing half-imported: the committed dataset stays, the killed one is absent", async () => {
    const path = join(dir, "studio.db");
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./importChild.ts", import.meta.url)), path, "100000"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("halfway")) resolve();
      });
      child.on("exit", () => reject(new Error(`child ended before halfway: ${out} ${err}`)));
    });
    // The open transaction has written 50,000 rows: much of it is already in the WAL file on disk.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(1_000_000);
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(out).not.toContain("finished");

    const db = openStore(path); // runs integrity_check: it must pass
    try {
      const [project] = listProjects(db);
      expect(project?.name).toBe("crash test");
      const datasets = listDatasets(db, project!.id);
      expect(datasets.map((d) => [d.name, d.exampleCount])).toEqual([["small", 10]]);
      expect(countExamples(db)).toBe(10);
    } finally {
      db.close();
    }
  });
});
