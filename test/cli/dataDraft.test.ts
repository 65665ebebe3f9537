/**
 * `lora-studio data draft` with a tiny random-weight model (noise drafts: the mechanism is tested): one JSON object
 * per pair with its source span in the document, checks and model; bad inputs named and the rest drafted; a run
 * killed with SIGKILL and run again drafts each passage once and ends with the very file an uninterrupted run
 * writes; `data prepare` imports accepted and edited drafts only (or all but rejected with --include-unreviewed).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDocument } from "../../electron/app/drafting/readPassages";
import { repoRoot } from "../helpers/paths";
import { runCli } from "../helpers/runCli";
import { CLINIC_MD, TEST_LIMITS, withoutChatTemplate, writeDraftingInputs } from "../app/drafting/draftingFixtures";

const dir = mkdtempSync(join(tmpdir(), "cli-data-draft-"));
let model = "";
let md = "";
let pdf = "";
const SMALL = ["--threads", "1", "--passage-tokens", "48", "--answer-chars", String(TEST_LIMITS.answerChars), "--context", "1024"];
const lines = (path: string) => readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

beforeAll(async () => {
  ({ model, md, pdf } = await writeDraftingInputs(dir));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lora-studio data draft", () => {
  it("writes one pair per line with its source span, checks and model; bad inputs are named and the rest drafted", async () => {
    const out = join(dir, "drafts.jsonl");
    const csv = join(dir, "table.csv");
    writeFileSync(csv, "question,answer\nA,B\n");
    const r = await runCli(["data", "draft", md, pdf, csv, "--model", model, "--out", out, "--pairs", "2", ...SMALL, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.subcommand).toBe("draft");
    const { drafting } = result;
    expect(drafting.passages.done).toBe(drafting.passages.total);
    expect(drafting.problems.map((p: { code: string; file: string; page?: number }) => [p.code, p.file, p.page ?? null])).toEqual(
      expect.arrayContaining([
        ["NO_TEXT", "clinic-hours.pdf", 2],
        ["UNSUPPORTED_FILE", "table.csv", null],
      ]),
    );
    expect(r.stderr).toMatch(/drafted passage 1\/\d+ \(clinic-guide\.md\)/);
    const drafts = lines(out);
    expect(drafts.length).toBe(drafting.drafts.total);
    expect(drafts.length).toBeGreaterThan(0);
    const texts = { "clinic-guide.md": (await readDocument(md, "clinic-guide.md")).text, "clinic-hours.pdf": (await readDocument(pdf, "clinic-hours.pdf")).text } as Record<string, string>;
    for (const d of drafts) {
      expect(Object.keys(d).sort()).toEqual(["answer", "checks", "model", "passage", "question", "source", "status"]);
      expect(d.status).toBe("pending");
      expect(Object.keys(d.checks).sort()).toEqual(["duplicate", "language", "length", "passed", "personalData", "supported"]);
      expect(d.model).toEqual(drafting.model);
      expect(d.model.sha256).toMatch(/^[0-9a-f]{64}$/);
      const text = texts[d.source.file]!;
      expect(d.source.end).toBeGreaterThan(d.source.start);
      expect(text.slice(d.source.start, d.source.end).trim()).toBe(text.slice(d.source.start, d.source.end));
      for (const e of d.source.evidence) expect(e.start >= d.source.start && e.end <= d.source.end).toBe(true);
    }
    const perPassage = new Map<number, number>();
    for (const d of drafts) perPassage.set(d.passage, (perPassage.get(d.passage) ?? 0) + 1);
    for (const n of perPassage.values()) expect(n).toBe(2);

    // Reviewed by hand: two accepted, one rejected, the rest pending.
    const reviewed = join(dir, "reviewed.jsonl");
    writeFileSync(reviewed, drafts.map((d, i) => JSON.stringify({ ...d, status: i < 2 ? "accepted" : i === 2 ? "rejected" : "pending" })).join("\n") + "\n");
    const prepared = await runCli(["data", "prepare", reviewed, "--model", model, "--out", join(dir, "prepared"), "--seq-len", "256", "--json"]);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(JSON.parse(prepared.stdout).dataset.counts.examples).toBe(2);
    const dataset = JSON.parse(readFileSync(join(dir, "prepared", "dataset.json"), "utf8"));
    expect(dataset.files[0].formats).toEqual({ drafts: 2 });
    expect(JSON.stringify(dataset.report)).toMatch(new RegExp(`${drafts.length - 3} pending and 1 rejected drafted pairs were left out`));
    const all = await runCli(["data", "prepare", reviewed, "--model", model, "--out", join(dir, "prepared-all"), "--seq-len", "256", "--include-unreviewed", "--json"]);
    expect(JSON.parse(all.stdout).dataset.counts.examples).toBe(drafts.length - 1);

    // Nothing accepted: said, with what to do.
    const none = await runCli(["data", "inspect", out]);
    expect(none.stdout).toMatch(/none of the \d+ drafted pairs is accepted \(\d+ pending, 0 rejected\).*--include-unreviewed/);
  }, 180_000);

  it("train --data takes a drafts file: nothing accepted is said with what to do; --include-unreviewed trains on the pending pairs", async () => {
    const out = join(dir, "drafts.jsonl");
    const TRAIN = ["--model", model, "--data", out, "--defaults", "--max-steps", "2", "--seq-len", "128", "--batch", "1", "--accum", "1", "--rank", "2", "--val-split", "0", "--checkpoint-every", "1000"];
    const refused = await runCli(["train", "--out", join(dir, "run-none"), ...TRAIN]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/no usable training example .*none of the \d+ drafted pairs is accepted.*--include-unreviewed/);
    const trained = await runCli(["train", "--out", join(dir, "run-all"), ...TRAIN, "--include-unreviewed", "--json"]);
    expect(trained.code, trained.stderr).toBe(0);
    const run = JSON.parse(readFileSync(join(dir, "run-all", "run.json"), "utf8"));
    expect(run.data.trainExamples).toBe(lines(out).length);
  }, 180_000);

  it("names a model that is not GGUF or has no chat template, and refuses to resume a file drafted otherwise", async () => {
    const notGguf = join(dir, "notes.gguf");
    writeFileSync(notGguf, "this is not a model\n".repeat(20));
    const bad = await runCli(["data", "draft", md, "--model", notGguf, "--out", join(dir, "x.jsonl"), ...SMALL]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/notes\.gguf is not a GGUF model file \(.+\); pick a \.gguf model/);
    const base = await withoutChatTemplate(model, join(dir, "base.gguf"));
    const noTemplate = await runCli(["data", "draft", md, "--model", base, "--out", join(dir, "y.jsonl"), "--lang", "zh", ...SMALL]);
    expect(noTemplate.code).toBe(1);
    expect(noTemplate.stderr).toMatch(/base\.gguf 没有对话模板/);
    const out = join(dir, "once.jsonl");
    expect((await runCli(["data", "draft", md, "--model", model, "--out", out, "--pairs", "1", ...SMALL])).code).toBe(0);
    const other = await runCli(["data", "draft", md, "--model", model, "--out", out, "--pairs", "2", ...SMALL]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/once\.jsonl was drafted with 1 pairs per passage .*give a new --out/);
  }, 120_000);

  it("resumes after SIGKILL: every passage drafted once, the same file as an uninterrupted run", async () => {
    const long = join(dir, "long-guide.md");
    writeFileSync(long, Array.from({ length: 4 }, () => CLINIC_MD).join("\n\n"));
    const args = (out: string) => ["data", "draft", long, "--model", model, "--out", out, "--pairs", "1", ...SMALL];
    const reference = join(dir, "reference.jsonl");
    expect((await runCli(args(reference))).code).toBe(0);

    const out = join(dir, "killed.jsonl");
    const child = spawn(process.execPath, [join(repoRoot, "bin/lora-studio.js"), ...args(out)], { cwd: repoRoot, stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, signal) => r(signal)));
    const progress = `${out}.progress`;
    const entries = () => (existsSync(progress) ? readFileSync(progress, "utf8").split("\n").filter((l) => l.includes('"passage"')).length : 0);
    const deadline = Date.now() + 60_000;
    while (entries() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const total = lines(reference).length;
    const before = entries();
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(total);

    const resumed = await runCli([...args(out), "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout).drafting;
    expect(result.passages).toEqual({ total, done: total, resumed: expect.any(Number) });
    expect(result.passages.resumed).toBeGreaterThanOrEqual(before - 1);
    const passages = lines(out).map((d) => d.passage);
    expect(passages).toEqual([...Array(total).keys()]); // each passage once, in order
    expect(readFileSync(out, "utf8")).toBe(readFileSync(reference, "utf8"));
    const done = readFileSync(progress, "utf8").split("\n").filter((l) => l.includes('"passage"')).map((l) => JSON.parse(l).passage);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
  }, 180_000);
});
