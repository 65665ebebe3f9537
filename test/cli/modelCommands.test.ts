import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { llama2TinyFixture, requireFixture } from "../helpers/paths";
import { runCli } from "../helpers/runCli";

const dir = mkdtempSync(join(tmpdir(), "cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args);

describe("lora-studio make-model and inspect-model", () => {
  it("makes a qwen3 Q8_0 model and inspects it as JSON", async () => {
    const out = join(dir, "q3.gguf");
    const made = await cli("make-model", "--arch", "qwen3", "--preset", "tiny", "--dtype", "q8_0", "--out", out, "--json");
    expect(made.code).toBe(0);
    const summary = JSON.parse(made.stdout);
    expect(summary).toMatchObject({ arch: "qwen3", preset: "tiny", dtype: "q8_0" });

    const inspected = await cli("inspect-model", out, "--json");
    expect(inspected.code).toBe(0);
    const info = JSON.parse(inspected.stdout);
    expect(info).toMatchObject({
      architecture: "qwen3",
      trainable: true,
      parameters: summary.parameters,
      layers: 2,
      embeddingLength: 64,
      heads: 4,
      kvHeads: 2,
      headDim: 16,
      vocabularySize: 2048,
      contextLength: 512,
      tiedEmbeddings: true,
      hasChatTemplate: true,
      tokenizer: "llama",
    });
    expect(info.tensorTypes.Q8_0).toBeGreaterThan(0);
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("inspects the llama.cpp-written fixture", async () => {
    const r = await cli("inspect-model", requireFixture(llama2TinyFixture), "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      architecture: "llama",
      layers: 1,
      embeddingLength: 8,
      heads: 2,
      vocabularySize: 32000,
      sha256: "81f226c62d28ed4a1a9b9fa080fcd9f0cc40e0f9d5680036583ff98fbcd035cb",
    });
  });

  it("fails with one line naming the file when it is not a GGUF model", async () => {
    const bad = join(dir, "notes.txt");
    writeFileSync(bad, "these are not weights");
    const r = await cli("inspect-model", bad, "--json");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(bad);
    expect(JSON.parse(r.stdout).error.code).toBe("NotGgufError");
  });

  it("rejects a bad option value with a usage error naming it", async () => {
    const r = await cli("make-model", "--arch", "gpt2", "--out", join(dir, "x.gguf"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--arch must be one of llama, qwen2, qwen3, got "gpt2"');
  });
});
