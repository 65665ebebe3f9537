import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoWorkDir } from "../../electron/app/demo/demoWorkDir";
import { ensureDemoModel } from "../../electron/app/demo/ensureDemoModel";
import { DEMO_DATA, runDemo } from "../../electron/app/demo/runDemo";
import { runCli } from "../helpers/runCli";

const dir = mkdtempSync(join(tmpdir(), "demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the demo", () => {
  it("trains, compares held-out and training answers side by side, measures validation loss before and after, exports", async () => {
    const lines: string[] = [];
    const result = await runDemo({ workDir: dir, onLog: (l) => lines.push(l), maxSteps: 4, maxTokens: 6, trainingQuestions: 1, formats: ["gguf", "peft"] });
    expect(result.notice).toMatch(/random-initialized/);
    expect(result.notice).toMatch(/--model \/path\/to\/model\.gguf/);
    expect(lines[0]).toBe(result.notice);
    expect(result.model).toMatchObject({ generated: true, reused: false });
    expect(result.data.path).toBe(DEMO_DATA);
    const examples = readFileSync(DEMO_DATA, "utf8").trim().split("\n").length;
    expect(result.data.trainExamples + result.data.validationExamples).toBe(examples);
    expect(result.data.validationExamples).toBeGreaterThanOrEqual(3);
    expect(result.run.steps).toBe(4);
    expect(existsSync(result.run.adapterPath)).toBe(true);
    // Validation loss from llama.cpp: a random model is far from certain; four steps move it.
    expect(result.validationLoss.before).toBeGreaterThan(3);
    expect(result.validationLoss.after).not.toBe(result.validationLoss.before);
    expect(result.validationLoss.after).toBeLessThan(result.validationLoss.before);

    const heldOut = result.comparisons.filter((c) => c.kind === "held-out");
    expect(heldOut).toHaveLength(result.data.validationExamples);
    expect(result.comparisons.filter((c) => c.kind === "training")).toHaveLength(1);
    const data = readFileSync(DEMO_DATA, "utf8");
    for (const c of result.comparisons) {
      expect(data).toContain(JSON.stringify(c.question)); // a question of the sample, asked as written
      expect(data).toContain(JSON.stringify(c.expected));
      expect(typeof c.base).toBe("string");
      expect(typeof c.tuned).toBe("string");
    }
    expect(lines.some((l) => l.startsWith("[held-out] ") && l.includes("\n  base:") && l.includes("\n  tuned:"))).toBe(true);
    expect(lines.some((l) => /validation loss after training: \d+\.\d{3} \(before: \d+\.\d{3}\)/.test(l))).toBe(true);

    expect(result.exports.map((e) => e.format)).toEqual(["gguf", "peft"]);
    for (const e of result.exports) {
      expect(e.error).toBeUndefined();
      expect(e.files.length).toBeGreaterThan(0);
      for (const f of e.files) expect(existsSync(f)).toBe(true);
    }
  }, 240_000);

  it("reuses the demo model it made, and makes it again when the file is broken", async () => {
    const first = await ensureDemoModel(dir);
    expect(first.reused).toBe(true); // made by the run above
    const mtime = statSync(first.path).mtimeMs;
    expect((await ensureDemoModel(dir)).reused).toBe(true);
    expect(statSync(first.path).mtimeMs).toBe(mtime);
    writeFileSync(first.path, "not a model");
    const again = await ensureDemoModel(dir);
    expect(again.reused).toBe(false);
    expect(statSync(again.path).size).toBeGreaterThan(1_000_000);
  });

  it("keeps its files in the user's cache folder by default", () => {
    expect(demoWorkDir({ XDG_CACHE_HOME: "/c" }, "linux")).toBe("/c/lora-studio/demo");
    expect(demoWorkDir({ LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local" }, "win32")).toMatch(/lora-studio.demo$/);
  });

  it("refuses a --model that does not exist, naming it", async () => {
    const r = await runCli(["demo", "--work-dir", dir, "--model", join(dir, "nope.gguf")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model file .*nope\.gguf does not exist; .*leave --model out to use the demo model/);
  });
});
