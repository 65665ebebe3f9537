/**
 * Drafted pairs stay traceable into training and the report: a dataset imported from a drafts file keeps each pair's
 * provenance in the files the app trains from, the prepared dataset.json counts the drafted examples per model, and
 * the report's data card says how many were drafted, by which model (name and sha256), and whether people reviewed them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { datasetTrainingFiles } from "../../../electron/app/api/datasetTrainingFile";
import { prepareDataset } from "../../../electron/app/data/prepareDataset";
import { loadReportInput } from "../../../electron/app/evaluation/loadReportInput";
import { renderReportHtml } from "../../../electron/app/evaluation/renderReportHtml";
import type { RunRecord } from "../../../electron/app/training/RunRecord";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { openStore } from "../../../electron/app/store/openStore";
import { storePath } from "../../../electron/app/store/resolveHome";
import { openStudio } from "../api/studioFixture";

const f = openStudio();
const scratch = mkdtempSync(join(tmpdir(), "drafted-card-"));
afterAll(async () => {
  await f.close();
  rmSync(scratch, { recursive: true, force: true });
});

const MODEL = { name: "Qwen2.5 3B Instruct", sha256: "a".repeat(64) };
const draft = (i: number, status: string) =>
  JSON.stringify({
    question: `How long must I fast before blood test number ${i}?`,
    answer: `Fast for 8 hours before test number ${i}; water is allowed.`,
    source: { file: "clinic-guide.pdf", page: 1, start: i * 100, end: i * 100 + 90, evidence: [{ start: i * 100, end: i * 100 + 40 }] },
    checks: { supported: true, duplicate: false, length: "ok", language: "ok", personalData: [], passed: true },
    model: MODEL,
    status,
    ...(status === "edited" ? { drafted: { question: "q", answer: "a" } } : {}),
  });

describe("drafted examples in training and the report", () => {
  it("keep their provenance into the training files, and dataset.json counts them by model", async () => {
    const file = join(f.home, "uploads", "accepted-drafts.jsonl");
    mkdirSync(join(f.home, "uploads"), { recursive: true });
    writeFileSync(file, [draft(0, "accepted"), draft(1, "edited"), draft(2, "accepted"), draft(3, "rejected"), draft(4, "accepted")].join("\n") + "\n");
    const project = await f.call("createProject", { name: "Clinic", domain: "medical", language: "en" });
    const dataset = await f.call("importDataset", { projectId: project.id, paths: [file], validationShare: 0 });
    expect(dataset.exampleCount).toBe(4);
    expect(dataset.drafted).toEqual({ examples: 4, models: [MODEL] });
    expect(JSON.stringify(dataset.report)).toMatch(/0 pending and 1 rejected drafted pairs were left out/);

    const db = openStore(storePath(f.home));
    const { trainPath } = await datasetTrainingFiles(db, f.home, dataset.id).finally(() => db.close());
    const model = join(scratch, "m.gguf");
    await makeTinyModel({ arch: "qwen2", preset: "tiny", out: model, seed: 1 });
    const record = await prepareDataset([trainPath], { modelPath: model, outDir: join(scratch, "prepared"), seqLen: 128, split: { fraction: 0, min: 0, max: 0 } });
    // Every example of the training file is a drafted pair, and says so.
    const trained = readFileSync(trainPath, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(trained.length).toBeGreaterThanOrEqual(3);
    expect(trained.every((l) => l.provenance?.model?.sha256 === MODEL.sha256)).toBe(true);
    expect(record.drafted).toEqual({ examples: trained.length, unreviewed: 0, models: [MODEL] });
  }, 60_000);

  it("are named in the report's data card with the model's name and sha256", async () => {
    const dir = join(scratch, "run");
    mkdirSync(join(dir, "data"), { recursive: true });
    const at = "2026-01-02T03:04:05.000Z";
    const record: RunRecord = {
      version: 1,
      status: "finished",
      createdAt: at,
      updatedAt: at,
      baseModel: { path: "/models/tiny.gguf", sha256: "b".repeat(64), architecture: "qwen2", parameters: 230_000 },
      data: { files: [{ path: "/data/train.jsonl", sha256: "c".repeat(64) }], sha256: "d".repeat(64), trainExamples: 40, validationExamples: 8, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" },
      job: { modelPath: "/models/tiny.gguf", trainPath: "data/train.jsonl", validationPath: null, outDir: ".", config: TrainConfigSchema.parse({ maxSteps: 10 }), resume: false },
      attempts: [{ startedAt: at, endedAt: at, fromStep: 0, status: "finished" }],
    };
    writeFileSync(join(dir, "run.json"), JSON.stringify(record));
    const dataset = {
      version: 1,
      createdAt: at,
      model: { path: "/models/tiny.gguf", sha256: "b".repeat(64), chatTemplate: "chatml", endOfTurnToken: 2 },
      seqLen: 256,
      files: [{ file: "train.jsonl", path: "/data/train.jsonl", fileType: "jsonl", formats: {}, examples: 48, problems: 0 }],
      counts: { examples: 48, train: 40, validation: 8, excluded: 0, truncated: 0, trainTokens: 4000, validationTokens: 800 },
      excluded: [],
      split: {},
      redaction: { choices: {}, counts: {} },
      report: {},
      drafted: { examples: 12, unreviewed: 2, models: [MODEL] },
    };
    writeFileSync(join(dir, "data", "dataset.json"), JSON.stringify(dataset));
    const html = renderReportHtml(await loadReportInput(dir, { timeZone: "UTC" }));
    expect(html).toContain(`12 examples are question-answer pairs drafted from documents by Qwen2.5 3B Instruct (sha256 ${"a".repeat(64)}) (10 reviewed by a person, 2 not reviewed).`);
    writeFileSync(join(dir, "data", "dataset.json"), JSON.stringify({ ...dataset, drafted: undefined }));
    expect(renderReportHtml(await loadReportInput(dir, { timeZone: "UTC" }))).not.toContain("drafted from documents");
  });
});
