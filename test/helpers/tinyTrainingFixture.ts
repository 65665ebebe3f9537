import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { makeTinyModel } from "../../electron/engine/gguf/tiny/makeTinyModel";
import { templatedExamples } from "../engine/training/templatedData";

/**
 * A temp folder with a tiny llama model (m.gguf) and `examples` templated Q&A lines (d.jsonl), made before the
 * calling file's tests and removed after them: the fixture of the training-run tests.
 */
export function tinyTrainingFixture(prefix: string, examples = 30): { dir: string; model: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const model = join(dir, "m.gguf");
  const data = join(dir, "d.jsonl");
  beforeAll(async () => {
    await makeTinyModel({ arch: "llama", preset: "tiny", out: model, seed: 3 });
    writeFileSync(data, templatedExamples(examples).map((e) => JSON.stringify(e)).join("\n") + "\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, model, data };
}
