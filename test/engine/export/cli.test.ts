/**
 * `lora-studio export` and `lora-studio import-peft` on a run trained by `lora-studio train` (qwen2 tiny, rank 4):
 * JSON results list files with sizes and sha256; the Q8_0 request falls back to F16 with a note; the PEFT export
 * imported back equals the trained adapter; the Axolotl recipe carries the prepared sequences and the run's
 * hyperparameters; bad input exits non-zero with a message naming it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAdapterPairs } from "../../../electron/engine/lora/readAdapterPairs";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { runCli } from "../../helpers/runCli";
import { templatedExamples } from "../training/templatedData";

const dir = mkdtempSync(join(tmpdir(), "lora-studio-export-cli-"));
const model = join(dir, "qwen2.gguf");
const run = join(dir, "run");

beforeAll(async () => {
  await makeTinyModel({ arch: "qwen2", preset: "tiny", seed: 8, out: model });
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, templatedExamples(24).map((e) => JSON.stringify(e)).join("\n") + "\n");
  const r = await runCli(["train", "--model", model, "--data", data, "--out", run, "--max-steps", "6", "--seq-len", "96", "--rank", "4", "--alpha", "8", "--lr", "3e-3", "--json"]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lora-studio export / import-peft", () => {
  it("exports GGUF LoRA (Q8_0 -> F16 at rank 4) and PEFT, and imports the PEFT folder back to the same adapter", async () => {
    const q8 = await runCli(["export", "--run", run, "--format", "gguf-q8_0", "--out", join(dir, "gguf"), "--json"]);
    expect(q8.code, q8.stderr).toBe(0);
    const q8r = JSON.parse(q8.stdout);
    expect(q8r.files[0]).toMatchObject({ role: "GGUF LoRA adapter (F16)", bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(q8r.notes.join("\n")).toMatch(/rank 4 .*wrote F16 instead/);
    expect(q8r.compatibility.find((c: { artifact: string; runtime: string }) => c.artifact === "peft" && c.runtime === "Ollama").status).toBe("no"); // qwen2

    const peft = await runCli(["export", "--run", run, "--format", "peft", "--out", join(dir, "peft"), "--json"]);
    expect(peft.code, peft.stderr).toBe(0);
    const imported = join(dir, "imported.gguf");
    const imp = await runCli(["import-peft", "--model", model, "--peft", join(dir, "peft"), "--out", imported, "--json"]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout).files[0].path).toBe(imported);
    const original = await readAdapterPairs(join(run, "adapter.gguf"));
    const back = await readAdapterPairs(imported);
    expect(back.alpha).toBe(original.alpha);
    expect(back.pairs.length).toBe(14);
    back.pairs.forEach((p, i) => {
      expect(p.a).toEqual(original.pairs[i]!.a);
      expect(p.b).toEqual(original.pairs[i]!.b);
    });
  });

  it("writes an Axolotl recipe from the prepared data with the run's settings", async () => {
    const r = await runCli(["export", "--run", run, "--format", "axolotl", "--out", join(dir, "axolotl"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(dir, "axolotl", "data", "train.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const record = JSON.parse(readFileSync(join(run, "run.json"), "utf8"));
    expect(rows).toHaveLength(record.data.trainExamples);
    const trained = rows[0].segments.filter((s: { label: boolean }) => s.label).map((s: { text: string }) => s.text).join("");
    expect(trained).toMatch(/^The capital of \w+ is \w+\.<\|im_end\|>$/);
    const config = readFileSync(join(dir, "axolotl", "config.yml"), "utf8");
    for (const line of ["lora_r: 4", "lora_alpha: 8", "type: \"input_output\"", "sequence_len: 96", "max_steps: 6", "learning_rate: 0.003", "train_on_inputs: false", "chat_template: \"chatml\""]) {
      expect(config).toContain(line);
    }
    expect(readFileSync(join(dir, "axolotl", "README.md"), "utf8")).toContain("lora-studio import-peft");
  });

  it("refuses bad input with a message naming it", async () => {
    const bad = await runCli(["export", "--run", run, "--format", "onnx", "--out", join(dir, "x")]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--format must be one of gguf, gguf-f16, gguf-q8_0, peft, ollama, merged, axolotl, llama-factory, bundle, got "onnx"/);
    const noRun = await runCli(["export", "--run", join(dir, "nope"), "--format", "peft", "--out", join(dir, "x")]);
    expect(noRun.code).not.toBe(0);
    expect(noRun.stderr).toMatch(/nope\/run\.json does not exist/);
  });
});
