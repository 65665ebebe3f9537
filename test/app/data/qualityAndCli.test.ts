import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importFiles } from "../../../electron/app/data/importFiles";
import { qualityReport } from "../../../electron/app/data/qualityReport";
import { scanPii } from "../../../electron/app/data/redactPii";
import { runCli } from "../../helpers/runCli";

const dir = mkdtempSync(join(tmpdir(), "data-quality-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const chat = (u: string, a: string) => JSON.stringify({ messages: [{ role: "user", content: u }, { role: "assistant", content: a }] });

describe("quality report", () => {
  it("finds empty fields, duplicates, near duplicates, role order, languages, too few and too long, each located", async () => {
    const lines = [
      chat("How do I book a visit?", "Call the front desk."),
      chat("How do I book a visit?", "Call the front desk."),
      chat("How do I book a visit, please?", "Call the front desk."),
      chat("What are the opening hours?", "   "),
      JSON.stringify({ messages: [{ role: "assistant", content: "Hello" }, { role: "user", content: "Hi" }] }),
      chat("停车场在哪里？", "停车场在医院东侧。"),
      chat("Where is parking?", "停车场在医院东侧，请从东门进入。"),
      chat("Long question " + "word ".repeat(400), "Short answer."),
    ];
    writeFileSync(join(dir, "q.jsonl"), lines.join("\n"));
    const files = await importFiles([join(dir, "q.jsonl")]);
    const counts = files[0]!.examples.map((e) => (e.messages![0]!.content.length > 1000 ? 500 : 20));
    const pii = scanPii(files[0]!.examples);
    const r = qualityReport(files, { seqLen: 256, tokenCounts: counts, tokenCounter: "model" });
    const by = Object.fromEntries(r.findings.map((f) => [f.code, f]));
    expect(by.EXACT_DUPLICATE).toMatchObject({ count: 1, samples: [{ location: { file: "q.jsonl", line: 2 } }] });
    expect(by.NEAR_DUPLICATE!.samples[0]!.location.line).toBe(3);
    expect(by.EMPTY_FIELD).toMatchObject({ severity: "error", count: 1, samples: [{ location: { line: 4 } }] });
    expect(by.ROLE_ORDER!.samples[0]).toMatchObject({ location: { line: 5 }, note: "starts with an assistant turn" });
    expect(by.TOO_LONG).toMatchObject({ count: 1, samples: [{ location: { line: 8 } }] });
    expect(by.TOO_LONG!.message.en).toContain("truncation would cut 244 tokens");
    expect(by.TOO_FEW_EXAMPLES!.message.zh).toContain("只有 8 条样例");
    expect(by.MIXED_LANGUAGES!.message.en).toMatch(/English \d, Chinese \d/);
    expect(by.EXAMPLE_MIXED_LANGUAGE!.samples[0]!.location.line).toBe(7);
    expect(r.excluded.sort()).toEqual(["q.jsonl:L4", "q.jsonl:L5"]);
    expect(r.tokens).toMatchObject({ counter: "model", max: 500 });
    expect(pii.finding).toBeUndefined();
    for (const f of r.findings) {
      expect(f.samples.length).toBeLessThanOrEqual(5);
      expect(f.message.zh).toMatch(/[\u4e00-\u9fff]/);
      if (f.fix) expect(f.fix.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

const cli = (...args: string[]) => runCli(args);

describe("lora-studio data", () => {
  it("inspects files as JSON, including a bad one, and reports personal data", async () => {
    const good = join(dir, "c.jsonl");
    writeFileSync(good, [chat("Email me at anna@example.com", "Sure."), chat("Hours?", "8 to 5")].join("\n"));
    const bad = join(dir, "bad.pdf");
    writeFileSync(bad, "not a pdf");
    const r = await cli("data", "inspect", good, bad, "--json");
    expect(r.code).toBe(0);
    const { report } = JSON.parse(r.stdout);
    expect(report.totals.examples).toBe(2);
    const codes = report.findings.map((f: { code: string }) => f.code);
    expect(codes).toContain("WRONG_TYPE");
    expect(codes).toContain("PII_FOUND");
    const human = await cli("data", "inspect", good, "--lang", "zh");
    expect(human.stdout).toContain("发现 1 处个人信息：电子邮箱 1 处");
  });

  it("fails with a usage error naming what is missing", async () => {
    const r = await cli("data", "prepare", join(dir, "c.jsonl"), "--json");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toEqual({ code: "USAGE", message: "missing --model" });
    const bad = await cli("data", "prepare", join(dir, "c.jsonl"), "--model", "m.gguf", "--out", dir, "--redact", "mail=placeholder");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--redact takes KIND=placeholder|pseudonym');
    const sub = await cli("data", "check", "x");
    expect(sub.stderr).toContain('give a subcommand: inspect, prepare or draft, got "check"');
  });
});
