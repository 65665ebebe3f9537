/**
 * report.html for a person and for IT: the data card names the user's files (clinic-faq.jsonl), not the app's
 * internal copies; times are local, with the zone named, not raw ISO UTC; and the export check (llama.cpp with each
 * exported GGUF against the trained model) is there per file, or "not measured" before any export.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordExportParity } from "../../../electron/app/evaluation/exportParityRecord";
import { loadReportInput } from "../../../electron/app/evaluation/loadReportInput";
import { renderReportHtml } from "../../../electron/app/evaluation/renderReportHtml";
import { renderReportPdf } from "../../../electron/app/evaluation/renderReportPdf";
import { reportLocalTime } from "../../../electron/app/evaluation/reportLocalTime";
import type { RunRecord } from "../../../electron/app/training/RunRecord";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import { repoRoot } from "../../helpers/paths";
import { openStudio } from "../api/studioFixture";

const scratch = mkdtempSync(join(tmpdir(), "report-card-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const STARTED = "2026-01-02T03:04:05.000Z";
const ENDED = "2026-01-02T03:09:30.000Z";

/** A finished run folder as the app leaves it: prepared data named after the dataset's id, project.json naming the user's files. */
function runFolder(name: string, withProjectFile: boolean): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "data"), { recursive: true });
  const config = TrainConfigSchema.parse({ maxSteps: 10 });
  const record: RunRecord = {
    version: 1,
    status: "finished",
    createdAt: STARTED,
    updatedAt: ENDED,
    baseModel: { path: "/models/tiny.gguf", sha256: "b".repeat(64), architecture: "qwen2", parameters: 230_000 },
    data: { files: [{ path: "/home/u/.lora-studio/datasets/ds-7f3a9c-train.jsonl", sha256: "c".repeat(64) }], sha256: "d".repeat(64), trainExamples: 40, validationExamples: 8, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" },
    job: { modelPath: "/models/tiny.gguf", trainPath: "data/train.jsonl", validationPath: "data/validation.jsonl", outDir: ".", config, resume: false },
    attempts: [{ startedAt: STARTED, endedAt: ENDED, fromStep: 0, status: "finished" }],
  };
  writeFileSync(join(dir, "run.json"), JSON.stringify(record));
  writeFileSync(
    join(dir, "data", "dataset.json"),
    JSON.stringify({
      version: 1,
      createdAt: STARTED,
      model: { path: "/models/tiny.gguf", sha256: "b".repeat(64), chatTemplate: "chatml", endOfTurnToken: 2 },
      seqLen: 256,
      files: [{ file: "ds-7f3a9c-train.jsonl", path: "/home/u/.lora-studio/datasets/ds-7f3a9c-train.jsonl", fileType: "jsonl", formats: {}, examples: 48, problems: 0 }],
      counts: { examples: 48, train: 40, validation: 8, excluded: 0, truncated: 0, trainTokens: 4000, validationTokens: 800 },
      excluded: [],
      split: {},
      redaction: { choices: {}, counts: {} },
      report: {},
    }),
  );
  if (withProjectFile) {
    writeFileSync(
      join(dir, "project.json"),
      JSON.stringify({
        version: 1,
        project: { id: "p1", name: "Clinic answers", domain: "medical", language: "en" },
        dataset: { id: "ds-7f3a9c", name: "clinic-faq, opening-hours", files: [{ name: "clinic-faq.jsonl", examples: 30, sha256: "e".repeat(64) }, { name: "opening-hours.csv", examples: 18, sha256: null }] },
      }),
    );
  }
  return dir;
}

const isoLike = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

describe("the report's data card, times and export check", () => {
  it("names the user's files and shows local times with the zone, in the report as written from the run folder", async () => {
    const dir = runFolder("app-run", true);
    const html = renderReportHtml(await loadReportInput(dir, { timeZone: "Asia/Shanghai", signOff: { name: "Dr. Lee", date: ENDED, comment: "" } }));
    expect(html).toContain("<td>clinic-faq.jsonl</td>");
    expect(html).toContain("<td>opening-hours.csv</td>");
    expect(html).not.toContain("ds-7f3a9c-train.jsonl");
    // 03:04 UTC is 11:04 in Shanghai; no raw ISO time is left anywhere in the page.
    expect(html).toContain("2 Jan 2026, 11:04 GMT+8 (Asia/Shanghai) to 2 Jan 2026, 11:09 GMT+8 (Asia/Shanghai)");
    expect(html).toContain("Signed off by Dr. Lee on 2 Jan 2026, 11:09 GMT+8 (Asia/Shanghai).");
    expect(html).toMatch(/generated \d{1,2} \w{3} \d{4}, \d\d:\d\d GMT\+8 \(Asia\/Shanghai\)/);
    expect(html).not.toMatch(isoLike);
  });

  it("falls back to the prepared files' names (not their folders) for a run the app did not describe, and the store's names win when given", async () => {
    const dir = runFolder("cli-run", false);
    const plain = renderReportHtml(await loadReportInput(dir, { timeZone: "UTC" }));
    expect(plain).toContain("<td>ds-7f3a9c-train.jsonl</td>");
    expect(plain).not.toContain("/home/u/");
    const named = renderReportHtml(await loadReportInput(dir, { timeZone: "UTC", sourceFiles: [{ name: "clinic-faq.jsonl", examples: 48, sha256: null }] }));
    expect(named).toContain("<td>clinic-faq.jsonl</td>");
    expect(named).not.toContain("ds-7f3a9c-train.jsonl");
  });

  it("says 'not measured' before any export, then lists each exported file's check with pass or warn against its bound", async () => {
    const dir = runFolder("exported", true);
    const before = renderReportHtml(await loadReportInput(dir, { timeZone: "UTC" }));
    expect(before).toContain("Export check: llama.cpp against the trained model");
    expect(before).toContain("Not measured: this run has not been exported yet");

    await recordExportParity(dir, [
      { path: "/exports/clinic/gguf/adapter.gguf", role: "GGUF LoRA adapter (F32)", measuredAt: ENDED, parity: { maxAbsLogprobDiff: 5.5e-6, meanAbsLogprobDiff: 1.25e-6, tokens: 144, bound: 5e-3, pass: true } },
      { path: "/exports/clinic/gguf-q8_0/adapter-q8_0.gguf", role: "GGUF LoRA adapter (Q8_0)", measuredAt: ENDED, parity: { maxAbsLogprobDiff: 0.75, meanAbsLogprobDiff: 0.125, tokens: 144, bound: 0.25, pass: false } },
      { path: "/exports/clinic/merged/model.gguf", role: "merged model GGUF (F16)", measuredAt: ENDED, parity: null, reason: "the base model (900 MB) is checked by lora-studio export --json, not in the app" },
    ]);
    // A second export of the same file replaces its row, others stay.
    await recordExportParity(dir, [{ path: "/exports/clinic/gguf/adapter.gguf", role: "GGUF LoRA adapter (F32)", measuredAt: ENDED, parity: { maxAbsLogprobDiff: 4.5e-6, meanAbsLogprobDiff: 1.5e-6, tokens: 96, bound: 5e-3, pass: true } }]);
    const input = await loadReportInput(dir, { timeZone: "Europe/Berlin" });
    const html = renderReportHtml(input);
    expect(html).not.toContain("Not measured: this run has not been exported yet");
    expect(html).toContain("<th>File</th><th>Kind</th><th>Max |delta log-prob|</th><th>Mean |delta log-prob|</th><th>Tokens</th><th>Bound</th><th>Result</th><th>Checked</th>");
    // The PDF report has the same section (its Latin-1 fallback font has every character of it).
    const pdf = join(dir, "report.pdf");
    await renderReportPdf(input, pdf);
    expect(statSync(pdf).size).toBeGreaterThan(1000);
    const row = (file: string) => new RegExp(`<tr><td>${file.replace(/[.]/g, "\\.")}</td>(.*?)</tr>`).exec(html)?.[1] ?? "";
    expect(row("gguf/adapter.gguf")).toBe("<td>GGUF LoRA adapter (F32)</td><td>4.50e-6</td><td>1.50e-6</td><td>96</td><td>0.005</td><td>pass</td><td>2 Jan 2026, 04:09 GMT+1 (Europe/Berlin)</td>");
    expect(row("gguf-q8_0/adapter-q8_0.gguf")).toContain("<td>7.50e-1</td><td>1.25e-1</td><td>144</td><td>0.25</td><td>warn</td>");
    expect(row("merged/model.gguf")).toContain("<td>not measured: the base model (900 MB) is checked by lora-studio export --json, not in the app</td>");
    expect(html.match(/<tr><td>gguf\/adapter\.gguf<\/td>/g)).toHaveLength(1);
    // A file over its bound is also said above the table.
    expect(html).toMatch(/<p class="warn">gguf-q8_0\/adapter-q8_0\.gguf differs from the trained model by up to 7\.50e-1 nats, above its bound of 0\.25/);
  });

  it("formats a time in the machine's zone by default and survives an unknown zone", async () => {
    expect((await loadReportInput(runFolder("default-zone", true))).timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(reportLocalTime("2026-07-01T12:00:00.000Z", "America/New_York")).toBe("1 Jul 2026, 08:00 GMT-4 (America/New_York)");
    expect(reportLocalTime("2026-07-01T12:00:00.000Z", "Not/AZone")).toMatch(/^1 Jul 2026, 12:00 GMT(\+0)? \(UTC\)$/);
    expect(reportLocalTime(null, "UTC")).toBe("–");
  });
});

describe("report.html from the app after an export", () => {
  it("names clinic-faq.jsonl and shows the GGUF adapter's measured check", async () => {
    const f = openStudio();
    try {
      const sample = join(repoRoot, "resources/samples/clinic-faq.jsonl");
      f.studio.grants.grant(sample);
      const p = await f.call("createProject", { name: "Clinic answers", domain: "medical", language: "en" });
      const model = await f.call("useDemoModel", { architecture: "qwen2", preset: "tiny" });
      await f.call("updateProject", { projectId: p.id, modelId: model.id });
      await f.call("importDataset", { projectId: p.id, paths: [sample], validationShare: 0.2 });
      const run = await f.call("startRun", { projectId: p.id, overrides: { seqLen: 192, batchSize: 1, gradAccum: 1, rank: 4, alpha: 8, maxSteps: 4, evalEvery: 1000, checkpointEvery: 0, earlyStopPatience: 0 } });
      const ended = await f.waitFor((e: StudioEvent): e is Extract<StudioEvent, { event: "training.progress" }> => e.event === "training.progress" && e.payload.runId === run.id && ["finished", "failed", "cancelled", "interrupted"].includes(e.payload.run.status), 180_000);
      expect(ended.payload.run.status).toBe("finished");

      const before = (await f.call("renderReport", { runId: run.id, format: "html" })).html!;
      expect(before).toContain("<td>clinic-faq.jsonl</td>");
      expect(before).toContain("Not measured: this run has not been exported yet");
      expect(before).not.toMatch(isoLike);

      const exported = await f.call("exportRun", { runId: run.id, formats: ["gguf"] });
      const file = exported.results[0]!.files.find((x) => x.parity)!;
      expect(file.parity!.pass).toBe(true);
      const html = (await f.call("renderReport", { runId: run.id, format: "html" })).html!;
      expect(html).toContain(`<td>gguf/${file.path.split(/[\\/]/).at(-1)}</td><td>${file.role}</td><td>${file.parity!.maxAbsLogprobDiff.toExponential(2)}</td><td>${file.parity!.meanAbsLogprobDiff.toExponential(2)}</td><td>${file.parity!.tokens}</td><td>${file.parity!.bound}</td><td>pass</td>`);
      expect(html).not.toMatch(isoLike);
    } finally {
      await f.close();
    }
  }, 300_000);
});
