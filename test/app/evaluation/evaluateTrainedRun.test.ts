/**
 * Issue 9's acceptance on a trained tiny model: every metric computed on llama.cpp base versus tuned, the tuned
 * model beating the base on its own data, eval.json and the self-contained HTML report, the PDF report, and the
 * hand-off bundle whose manifest hashes match its files.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvalReport } from "../../../electron/app/evaluation/EvalReport";
import { evaluateRunFolder } from "../../../electron/app/evaluation/evaluateRunFolder";
import { exportBundle, type BundleManifest } from "../../../electron/app/evaluation/exportBundle";
import { writeEvaluation, writeReport } from "../../../electron/app/evaluation/writeReport";
import { trainTinyRun } from "./trainTinyRun";

const dir = mkdtempSync(join(tmpdir(), "evaluate-run-"));
let runDir = "";
let report: EvalReport;
const measured: Record<string, unknown> = {};

beforeAll(async () => {
  ({ runDir } = await trainTinyRun(dir));
  const started = performance.now();
  report = await evaluateRunFolder(runDir, {
    settings: { threads: 1, maxTokens: 64, memorizationProbes: 8, prefixTokens: 4, continuationTokens: 8 },
    golden: [
      { question: "What is the capital of Japan? (question 43)", reference: "The capital of Japan is Tokyo." },
      { question: "Name a city.", reference: null },
    ],
  });
  measured.evaluateSeconds = Math.round((performance.now() - started) / 100) / 10;
  measured.metrics = report.metrics;
}, 240_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(`evaluation of a tiny trained run (base vs tuned):\n${JSON.stringify(measured, null, 1)}`);
});

describe("evaluating a trained tiny run", () => {
  it("measures every metric base versus tuned, and the tuned model beats the base on its own data", () => {
    const m = report.metrics;
    for (const k of ["heldOut.loss", "heldOut.perplexity", "task.exactMatch", "task.f1", "task.rougeL", "task.bleu", "golden.f1", "general.perplexity.en", "general.perplexity.zh", "memorization.verbatimRate", "efficiency.latencyMs", "efficiency.tokensPerSecond", "efficiency.peakRssMb"]) {
      expect(m[k], k).toBeDefined();
      expect(Number.isFinite(m[k]!.base) && Number.isFinite(m[k]!.tuned), k).toBe(true);
    }
    expect(report.task.source).toBe("validation");
    expect(m["heldOut.loss"]!.tuned!).toBeLessThan(m["heldOut.loss"]!.base! - 1);
    expect(m["heldOut.perplexity"]!.tuned).toBeCloseTo(Math.exp(m["heldOut.loss"]!.tuned!), 6);
    expect(m["task.f1"]!.tuned!).toBeGreaterThan(m["task.f1"]!.base! + 0.1);
    expect(m["task.rougeL"]!.tuned!).toBeGreaterThan(m["task.rougeL"]!.base!);
    expect(m["task.bleu"]!.tuned!).toBeGreaterThan(m["task.bleu"]!.base!);
    // Note: a model this small spells some capitals wrong after 150 steps, so exact match is only held to no worse.
    expect(m["task.exactMatch"]!.tuned!).toBeGreaterThanOrEqual(m["task.exactMatch"]!.base!);
    expect(m["golden.f1"]!.tuned!).toBeGreaterThan(m["golden.f1"]!.base!);
    expect(report.golden[1]!.f1).toBeNull(); // no reference, no score
    // The random base never continues a training example verbatim.
    expect(report.memorization.verbatimBase).toBe(0);
    expect(report.memorization.verbatimTuned).toBeGreaterThanOrEqual(report.memorization.verbatimBase);
    expect(report.memorization.probes.length).toBeGreaterThan(0);
    expect(report.memorization.personalDataReproduced).toEqual([]); // the capitals hold no personal data
    // Per example: the reference is the trained answer and the question the example's own.
    const e = report.task.examples[0]!;
    expect(e.reference).toMatch(/^The capital of \w+ is \w+\.$/);
    expect(e.question).toMatch(/^What is the capital of \w+\? \(question \d+\)$/);
    expect(report.worst.length).toBeGreaterThan(0);
    expect(report.worst[0]!.tuned.f1).toBe(Math.min(...report.task.examples.map((x) => x.tuned.f1)));
    expect(report.efficiency.base.answers).toBe(report.task.examples.length + 2);
    expect(report.general.map((g) => g.language)).toEqual(["en", "zh"]);
    measured.answers = report.task.examples.slice(0, 3).map((x) => ({ q: x.question, ref: x.reference, base: x.base.text, tuned: x.tuned.text }));
    measured.memorization = { probes: report.memorization.probes.length, verbatimBase: report.memorization.verbatimBase, verbatimTuned: report.memorization.verbatimTuned };
    measured.warnings = report.warnings.map((w) => w.en);
  });

  it("writes eval.json and a self-contained HTML report, and a PDF report", async () => {
    const { evalPath, reportPath } = await writeEvaluation(runDir, report, { signOff: { name: "Dr. Reviewer", date: "2025-01-02", comment: "fine for the front desk" } });
    expect(JSON.parse(readFileSync(evalPath, "utf8")).metrics).toEqual(JSON.parse(JSON.stringify(report.metrics)));
    const html = readFileSync(reportPath, "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("<polyline"); // the loss curves from metrics.jsonl
    expect(html).not.toMatch(/<script|<link|src="http|href="http/); // no external asset, no script
    for (const s of ["Configuration", "Data card", "Held-out loss", "ROUGE-L", "BLEU-4", "General-text perplexity (zh)", "Verbatim", "Golden questions", "Dr. Reviewer", "fine for the front desk"]) expect(html).toContain(s);
    const pdf = await writeReport(runDir, "pdf", join(dir, "report.pdf"));
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(2000);
  }, 60_000);

  it("bundles everything IT receives in one zip whose manifest hashes match its files", async () => {
    const result = await exportBundle(runDir, join(dir, "handoff"));
    expect(result.format).toBe("bundle");
    const zipPath = result.files[0]!.path;
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const manifest = JSON.parse(await zip.file("manifest.json")!.async("string")) as BundleManifest;
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
    expect(names.sort()).toEqual([...manifest.files.map((f) => f.path), "manifest.json"].sort());
    for (const f of manifest.files) {
      const data = await zip.file(f.path)!.async("nodebuffer");
      expect(createHash("sha256").update(data).digest("hex"), f.path).toBe(f.sha256);
      expect(data.length).toBe(f.bytes);
    }
    const roles = manifest.files.map((f) => f.role);
    for (const r of ["GGUF LoRA adapter (F16)", "Ollama Modelfile", "PEFT adapter weights", "PEFT adapter config", "model card", "compatibility report", "evaluation report", "training record", "evaluation metrics"]) expect(roles, r).toContain(r);
    const run = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
    expect(manifest.baseModel.sha256).toBe(run.baseModel.sha256);
    expect(manifest.baseModel.sha256).toBe(createHash("sha256").update(readFileSync(run.baseModel.path)).digest("hex"));
    expect(manifest.trainingData.sha256).toBe(run.data.sha256);
    // The adapter IT receives carries the proof that llama.cpp with it behaves like the trained model.
    const adapter = manifest.files.find((f) => f.role === "GGUF LoRA adapter (F16)")!;
    console.log(`bundle adapter parity: ${JSON.stringify(adapter.parity)}`);
    expect(adapter.parity).toMatchObject({ pass: true, bound: 2.5e-2 });
    expect(adapter.parity!.tokens).toBeGreaterThan(10);
    measured.bundle = { files: manifest.files.length, bytes: result.files[0]!.bytes };
  }, 120_000);
});
