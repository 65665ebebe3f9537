/**
 * Proof for IT that the exported files behave like the trained model: llama.cpp with each exported GGUF (adapter or
 * merged model) against this project's engine with the run's adapter, on the run's held-out sequences.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addExportParity, measureExportParity, parityFileOf, PARITY_BOUNDS, type ParityFile } from "../../../electron/app/evaluation/measureExportParity";
import { exportRun } from "../../../electron/engine/export/exportRun";
import { trainTinyRun } from "./trainTinyRun";

const dir = mkdtempSync(join(tmpdir(), "export-parity-"));
let runDir = "";
beforeAll(async () => {
  ({ runDir } = await trainTinyRun(dir, 20, 32)); // rank 32: Q8_0 adapters need a multiple of 32
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("export parity", () => {
  it("measures each exported GGUF against the trained model, within its bound", async () => {
    const files: ParityFile[] = [];
    for (const format of ["gguf", "gguf-f16", "gguf-q8_0"] as const) {
      const r = await exportRun(runDir, format, join(dir, format));
      files.push(...r.files.flatMap((f) => parityFileOf(f.path, f.role) ?? []));
    }
    for (const mergedType of ["F16", "Q8_0"] as const) {
      const r = await exportRun(runDir, "merged", join(dir, `merged-${mergedType}`), { mergedType });
      files.push(...r.files.flatMap((f) => parityFileOf(f.path, f.role) ?? []));
    }
    expect(files.map((f) => `${f.kind} ${f.type}`)).toEqual(["adapter F32", "adapter F16", "adapter Q8_0", "merged F16", "merged Q8_0"]);
    const parity = await measureExportParity(runDir, files);
    const rows = files.map((f) => ({ file: `${f.kind} ${f.type}`, ...parity.get(f.path)! }));
    console.log(rows.map((r) => `${r.file}: max ${r.maxAbsLogprobDiff.toExponential(2)}, mean ${r.meanAbsLogprobDiff.toExponential(2)} nats over ${r.tokens} tokens (bound ${r.bound})`).join("\n"));
    for (const r of rows) {
      expect(r.tokens).toBeGreaterThan(20);
      expect(r.pass, `${r.file}: ${r.maxAbsLogprobDiff}`).toBe(true);
    }
    // The float adapters meet the engine's own parity bar; the coarser files do no better than their type allows.
    expect(PARITY_BOUNDS.adapter.F32).toBe(5e-3);
    expect(rows[0]!.maxAbsLogprobDiff).toBeLessThan(5e-3);
  }, 240_000);

  it("fails a file that is not the trained adapter", async () => {
    const other = mkdtempSync(join(dir, "other-"));
    const { runDir: otherRun } = await trainTinyRun(other, 5, 32);
    const r = await exportRun(otherRun, "gguf", join(other, "gguf"));
    const wrong = parityFileOf(r.files[0]!.path, r.files[0]!.role)!;
    const parity = (await measureExportParity(runDir, [wrong])).get(wrong.path)!;
    console.log(`another run's adapter: max ${parity.maxAbsLogprobDiff.toExponential(2)}, mean ${parity.meanAbsLogprobDiff.toExponential(2)} nats`);
    expect(parity.pass).toBe(false);
    // Far outside even the loosest bound: the bounds tell a wrong file from a coarser one.
    expect(parity.maxAbsLogprobDiff).toBeGreaterThan(PARITY_BOUNDS.merged.Q8_0);
  }, 240_000);

  it("leaves a model too large for the app's own process to the CLI, and says so", async () => {
    const r = await exportRun(runDir, "gguf", join(dir, "limit"));
    await addExportParity(runDir, [r], { inProcessLimitBytes: 1 });
    expect(r.files[0]!.parity).toBeUndefined();
    expect(r.notes.join("\n")).toMatch(/not checked against the trained model here .*lora-studio export --run .* --json/);
  }, 60_000);
});

