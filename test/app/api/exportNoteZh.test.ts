/**
 * The export's technical notes and the compatibility report in Simplified Chinese: every note the exporters write
 * for a trained run has a translation (none left in English in the Chinese UI), and every compatibility reason too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportNoteZh } from "../../../electron/app/api/exportNoteZh";
import { exportBundle } from "../../../electron/app/evaluation/exportBundle";
import { addExportParity } from "../../../electron/app/evaluation/measureExportParity";
import { compatibilityReport } from "../../../electron/engine/export/compatibilityReport";
import { exportRun } from "../../../electron/engine/export/exportRun";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { trainTinyRun } from "../evaluation/trainTinyRun";

const dir = mkdtempSync(join(tmpdir(), "export-notes-zh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cjk = /[\u4e00-\u9fff]/;

let runDir = "";
beforeAll(async () => {
  ({ runDir } = await trainTinyRun(dir, 4, 8));
}, 240_000);

describe("export notes in Chinese", () => {
  it("translates every note every format writes for a trained run, keeping its figures and paths", async () => {
    const notes = new Set<string>();
    for (const format of ["gguf", "gguf-f16", "gguf-q8_0", "peft", "ollama", "merged", "axolotl", "llama-factory"] as const) {
      const r = await exportRun(runDir, format, join(dir, "out", format));
      for (const n of r.notes) notes.add(n);
    }
    const bundle = await exportBundle(runDir, join(dir, "out", "bundle"));
    for (const n of bundle.notes) notes.add(n);
    const tooBig = await exportRun(runDir, "gguf", join(dir, "out", "big"));
    await addExportParity(runDir, [tooBig], { inProcessLimitBytes: 1 });
    for (const n of tooBig.notes) notes.add(n);

    expect(notes.size).toBeGreaterThanOrEqual(8);
    const untranslated = [...notes].filter((n) => exportNoteZh(n) === null);
    expect(untranslated).toEqual([]);
    for (const n of notes) {
      const zh = exportNoteZh(n)!;
      expect(zh, n).toMatch(cjk);
      // Figures, paths and commands stay as they were ("2-D" becomes 二维).
      for (const token of n.match(/\d+(?!-D)|\/[^\s)"`]+|`[^`]+`/g) ?? []) expect(zh, `${n}\n${zh}`).toContain(token.replace(/`/g, ""));
    }
  }, 300_000);

  it("leaves an unknown note to be shown in English", () => {
    expect(exportNoteZh("a note no exporter writes")).toBeNull();
    expect(exportNoteZh("Q8_0 needs rows that are a multiple of 32 wide; blk.0.ffn_down written as F16")).toBe("Q8_0 要求行宽为 32 的倍数；blk.0.ffn_down 已按 F16 写出");
  });
});

describe("the compatibility report in Chinese", () => {
  it("gives every runtime's reason in both languages, with the same ranks and flags", () => {
    const lora = (o: object) => LoraConfigSchema.parse(o);
    for (const input of [
      { architecture: "llama", lora: lora({ rank: 16 }), hfIdKnown: true },
      { architecture: "qwen2", lora: lora({ rank: 12 }), hfIdKnown: false },
      { architecture: "llama", lora: lora({ rank: 32, rslora: true, layerRanks: { "0": 64 } }), hfIdKnown: true },
    ]) {
      for (const e of compatibilityReport(input)) {
        expect(e.reasonZh, e.reason).toMatch(cjk);
        for (const token of e.reason.match(/\d+|--[\w-]+/g) ?? []) expect(e.reasonZh, `${e.reason}\n${e.reasonZh}`).toContain(token);
      }
    }
  });
});
