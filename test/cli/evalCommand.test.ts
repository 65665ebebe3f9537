/** `lora-studio eval`, `report` and `export --format bundle` on a briefly trained tiny run, through the real entry point. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/runCli";
import { trainTinyRun } from "../app/evaluation/trainTinyRun";

const dir = mkdtempSync(join(tmpdir(), "eval-cli-"));
let runDir = "";

beforeAll(async () => {
  ({ runDir } = await trainTinyRun(dir, 20)); // the mechanism, not quality: 20 steps
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lora-studio eval / report / export bundle", () => {
  it("eval writes eval.json and report.html and prints the metrics as JSON", async () => {
    const golden = join(dir, "golden.csv");
    writeFileSync(golden, "question,reference\nWhat is the capital of Italy?,The capital of Italy is Rome.\n什么是首都？,\n");
    const r = await runCli(["eval", "--run", runDir, "--golden", golden, "--threads", "1", "--max-tokens", "16", "--probes", "4", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.metrics["heldOut.loss"].base).toBeGreaterThan(0);
    expect(out.golden).toHaveLength(2);
    expect(out.golden[1].reference).toBeNull();
    expect(existsSync(join(runDir, "eval.json"))).toBe(true);
    expect(readFileSync(join(runDir, "report.html"), "utf8")).toContain("什么是首都？");
  }, 120_000);

  it("report writes a PDF, and a bad format is a usage error", async () => {
    const pdf = join(dir, "report.pdf");
    const r = await runCli(["report", "--run", runDir, "--format", "pdf", "--out", pdf, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe("%PDF-");
    const bad = await runCli(["report", "--run", runDir, "--format", "docx", "--out", pdf]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be one of html, pdf, got "docx"/);
  }, 60_000);

  it("export --format bundle writes one zip", async () => {
    const r = await runCli(["export", "--run", runDir, "--format", "bundle", "--out", join(dir, "it"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe("bundle");
    expect(out.files[0].path).toMatch(/run-bundle\.zip$/);
    expect(existsSync(out.files[0].path)).toBe(true);
    // --out NAME.zip writes that file (it used to make a folder called NAME.zip), and nothing beside it.
    const zip = join(dir, "handoff", "Clinic answers.zip");
    const named = await runCli(["export", "--run", runDir, "--format", "bundle", "--out", zip, "--json"]);
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout).files[0].path).toBe(zip);
    expect(statSync(zip).isFile()).toBe(true);
    expect(readdirSync(join(dir, "handoff"))).toEqual(["Clinic answers.zip"]);
  }, 60_000);

  it("export --json says per GGUF file whether llama.cpp with it behaves like the trained model", async () => {
    const r = await runCli(["export", "--run", runDir, "--format", "gguf", "--out", join(dir, "gguf"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const parity = JSON.parse(r.stdout).files[0].parity;
    expect(parity).toMatchObject({ tokens: expect.any(Number), bound: 5e-3, pass: true });
    expect(parity.maxAbsLogprobDiff).toBeLessThan(5e-3);
    expect(parity.meanAbsLogprobDiff).toBeLessThanOrEqual(parity.maxAbsLogprobDiff);
  }, 60_000);

  it("eval of a folder without a run says what to give", async () => {
    const r = await runCli(["eval", "--run", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/run\.json does not exist: --run takes the --out folder of a training run/);
  }, 30_000);
});
