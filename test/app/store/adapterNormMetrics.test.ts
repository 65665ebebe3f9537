import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../../electron/app/store/openStore";
import { createProject } from "../../../electron/app/store/projects";
import { addMetrics, listMetrics, recordRun } from "../../../electron/app/store/runs";
import { meanAdapterNorm, metricRows } from "../../../electron/app/store/runsFromRecords";

const dir = mkdtempSync(join(tmpdir(), "adapter-norm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the adapter's norm per step", () => {
  it("is stored with the step's metrics, so the chart survives a reload and the end of the run", () => {
    const db = openStore(join(dir, "s.db"));
    const run = recordRun(db, { projectId: createProject(db, { name: "norms" }).id, outDir: "/r/n", config: {}, status: "running" });
    const step = (n: number, b: number[]) => ({ type: "step" as const, step: n, epoch: 0, loss: 2, lr: 1e-4, gradNorm: 1, tokensPerSecond: 10, peakRssMb: 100, totalSteps: 2, etaSeconds: 1, norms: b.map((x, i) => ({ target: `blk.${i}.attn_q`, a: 1, b: x })) });
    addMetrics(db, run.id, metricRows([step(1, [0.1, 0.3]) as never, step(2, [0.5, 0.7]) as never, { type: "eval", step: 2, valLoss: 1.5 } as never]));
    expect(listMetrics(db, run.id).map((m) => [m.step, m.adapterNorm, m.valLoss])).toEqual([[1, 0.2, null], [2, 0.6, 1.5]]);
    db.close();
  });

  it("is null before any norm was reported", () => {
    expect(meanAdapterNorm([])).toBeNull();
    expect(meanAdapterNorm(undefined)).toBeNull();
  });
});
