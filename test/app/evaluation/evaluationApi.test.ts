/** The evaluation api end to end on a briefly trained run: golden questions, background evaluation, blind rating, sign-off, report. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStudioApi, type Studio } from "../../../electron/app/api/createStudioApi";
import { dispatch } from "../../../electron/app/api/dispatch";
import { openStore } from "../../../electron/app/store/openStore";
import { storePath } from "../../../electron/app/store/resolveHome";
import { syncRunRecord } from "../../../electron/app/store/runsFromRecords";
import type { EvaluationView } from "../../../electron/contract/dto";
import { trainTinyRun } from "./trainTinyRun";

const dir = mkdtempSync(join(tmpdir(), "eval-api-"));
let studio: Studio;
let runId = "";
let projectId = "";

beforeAll(async () => {
  const { runDir } = await trainTinyRun(dir, 20);
  studio = createStudioApi({ home: join(dir, "home"), door: "web", allow: [dir] });
  projectId = (await studio.api.createProject({ name: "Clinic", domain: "medical", language: "en" })).id;
  // A second connection to the same store registers the run as the training orchestration would.
  const db = openStore(storePath(studio.home));
  try {
    runId = (await syncRunRecord(db, runDir, { projectId })).id;
  } finally {
    db.close();
  }
}, 120_000);
afterAll(async () => {
  await studio?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("evaluation api", () => {
  it("imports golden questions, evaluates in the background, rates blind pairs, signs off and renders the report", async () => {
    const csv = join(dir, "golden.csv");
    writeFileSync(csv, "question,reference\nWhat is the capital of Italy?,The capital of Italy is Rome.\nWhat is the capital of France?,The capital of France is Paris.\n");
    const imported = await studio.api.importGoldenQuestions({ projectId, path: csv });
    expect(imported.map((q) => q.reference)).toEqual(["The capital of Italy is Rome.", "The capital of France is Paris."]);
    const forbidden = await dispatch(studio.api, "importGoldenQuestions", { projectId, path: "/etc/passwd" });
    expect(forbidden).toMatchObject({ ok: false, error: { code: "forbidden" } });

    const phases: string[] = [];
    const unsubscribe = studio.events.subscribe((e) => void (e.event === "evaluation.progress" && phases.push((e.payload as { phase: string }).phase)));
    const started = await studio.api.evaluateRun({ runId });
    expect(started.status).toBe("running");
    let view: EvaluationView | null = started;
    for (let i = 0; i < 600 && view?.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 200));
      view = await studio.api.getEvaluation({ runId });
    }
    expect(view!.status, view!.error ?? "").toBe("finished");
    // Progress events are throttled (<= 10/s, the last one always delivered): "done" may follow the status by a tick.
    await vi.waitFor(() => expect(phases.at(-1)).toBe("done"), { timeout: 5_000 });
    unsubscribe();
    expect(phases.length).toBeGreaterThan(1);
    expect(view!.metrics["heldOut.loss"]!.tuned).toBeLessThan(view!.metrics["heldOut.loss"]!.base!);

    const pairs = await studio.api.listBlindPairs({ evaluationId: view!.id });
    expect(pairs).toHaveLength(2);
    for (const p of pairs) expect(p.revealed).toBeNull();
    const rated = await studio.api.rateBlindPair({ pairId: pairs[0]!.id, choice: "left", comment: "clearer" });
    expect(rated.revealed?.choice).toBe("left");
    expect(["left", "right"]).toContain(rated.revealed?.tunedSide);
    await studio.api.rateBlindPair({ pairId: pairs[1]!.id, choice: "tie" });
    const signed = await studio.api.signOff({ evaluationId: view!.id, name: "Dr. Wong", comment: "approved" });
    expect(signed.signOff).toMatchObject({ name: "Dr. Wong", comment: "approved" });
    expect(signed.blind).toMatchObject({ rated: 2, ties: 1 });
    expect(signed.blind!.tunedWins + signed.blind!.baseWins).toBe(1);

    const html = await studio.api.renderReport({ runId, format: "html" });
    const text = readFileSync(html.path, "utf8");
    expect(html.html).toBe(text);
    expect(text).toContain("Dr. Wong");
    expect(text).toContain("2 pairs rated blind");
    const pdf = await studio.api.renderReport({ runId, format: "pdf" });
    expect(readFileSync(pdf.path).subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.html).toBeNull();
  }, 180_000);

  it("marks an evaluation cut off by the app closing as failed when the app starts again", async () => {
    const db = openStore(storePath(studio.home));
    try {
      db.prepare("UPDATE evaluations SET status = 'running' WHERE run_id = ?").run(runId);
    } finally {
      db.close();
    }
    await studio.dispose();
    studio = createStudioApi({ home: join(dir, "home"), door: "web", allow: [dir] });
    const view = await studio.api.getEvaluation({ runId });
    expect(view).toMatchObject({ status: "failed", error: expect.stringMatching(/run it again/) });
  });
});
