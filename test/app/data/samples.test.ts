import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importFiles } from "../../../electron/app/data/importFiles";
import { repoRoot } from "../../helpers/paths";

const samples = join(repoRoot, "resources/samples");

describe("resources/samples", () => {
  it("import without errors, each file as its own format", async () => {
    const files = readdirSync(samples).filter((f) => /\.(jsonl|csv|pdf|docx|md)$/.test(f) && f !== "README.md").map((f) => join(samples, f));
    const results = await importFiles(files, { seqLen: 256 });
    const by = Object.fromEntries(results.map((r) => [r.file, r]));
    for (const r of results) expect(r.problems.filter((p) => p.severity !== "info"), r.file).toEqual([]);
    expect(by["clinic-faq.jsonl"]!.examples.length).toBeGreaterThanOrEqual(20);
    expect(by["clinic-faq.jsonl"]!.formats).toEqual({ chat: by["clinic-faq.jsonl"]!.examples.length });
    expect(by["legal-clauses.csv"]!.examples).toHaveLength(20);
    expect(by["legal-clauses.csv"]!.columns).toEqual({ question: "Question", answer: "Answer", context: "Context" });
    const [pdf] = await importFiles([join(samples, "hand-hygiene-guideline.en.pdf")], { seqLen: 64 });
    expect(new Set(pdf!.examples.map((e) => e.source.page))).toEqual(new Set([1, 2]));
    const [zhPdf] = await importFiles([join(samples, "hand-hygiene-guideline.zh.pdf")], { seqLen: 64 });
    expect(zhPdf!.problems).toEqual([]);
    expect(new Set(zhPdf!.examples.map((e) => e.source.page))).toEqual(new Set([1, 2]));
    expect(zhPdf!.examples.map((e) => e.text).join("")).toContain("戴手套不能代替手卫生");
    expect(by["hand-hygiene-guideline.zh.docx"]!.examples.map((e) => e.text).join("")).toContain("手卫生指南");
  });
});
