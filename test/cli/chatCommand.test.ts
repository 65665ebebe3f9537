import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyModel } from "../../electron/engine/gguf/tiny/makeTinyModel";
import { runCli } from "../helpers/runCli";
import { writeRandomAdapter } from "../engine/inference/randomAdapter";

const dir = mkdtempSync(join(tmpdir(), "cli-chat-"));
const model = join(dir, "qwen2.gguf");
const other = join(dir, "llama.gguf");
let adapter = "";
let adapter2 = "";
beforeAll(async () => {
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: model, seed: 3 });
  await makeTinyModel({ arch: "llama", preset: "tiny", out: other, seed: 3 });
  adapter = await writeRandomAdapter(model, join(dir, "tuned.gguf"), 1);
  adapter2 = await writeRandomAdapter(model, join(dir, "tuned2.gguf"), 2);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = <T>(stdout: string) => JSON.parse(stdout) as T;
interface Answer {
  adapter: string | null;
  adapterPath?: string;
  text: string;
  tokens: number[];
  seed: number | null;
  stopReason: string;
}

describe("lora-studio chat", () => {
  it("answers with the base model and with adapters side by side, with one seed for all", async () => {
    const r = await runCli(["chat", "--model", model, "--adapter", adapter, "--adapter", adapter2, "--prompt", "Hello?", "--compare", "--max-tokens", "6", "--temperature", "0.9", "--seed", "42", "--threads", "1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = json<{ template: string; seed: number; answers: Answer[] }>(r.stdout);
    expect(out.template).toBe("ChatML");
    expect(out.seed).toBe(42);
    expect(out.answers.map((a) => a.adapter)).toEqual([null, "tuned", "tuned2"]);
    expect(out.answers[1]!.adapterPath).toBe(adapter);
    for (const a of out.answers) {
      expect(a.seed).toBe(42);
      expect(a.tokens).toHaveLength(6);
      expect(a.stopReason).toBe("maxTokens");
    }
    expect(out.answers[1]!.text).not.toBe(out.answers[2]!.text);
    // The same seed gives the same answers; the human format labels each side.
    const again = await runCli(["chat", "--model", model, "--adapter", adapter, "--prompt", "Hello?", "--max-tokens", "6", "--temperature", "0.9", "--seed", "42", "--threads", "1", "--json"]);
    expect(json<{ answers: Answer[] }>(again.stdout).answers.map((a) => a.tokens)).toEqual([out.answers[1]!.tokens]);
    const human = await runCli(["chat", "--model", model, "--adapter", adapter, "--prompt", "Hello?", "--compare", "--max-tokens", "4", "--threads", "1"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/── base: 4 tokens, maxTokens/);
    expect(human.stdout).toMatch(/── tuned \(tuned\): 4 tokens/);
  });

  it("refuses bad calls with one line naming the problem", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--model", model, "--prompt", "x", "--compare"], 2, /--compare needs at least one --adapter/],
      [["--model", model, "--prompt", "x", "--adapter", join(dir, "missing.gguf")], 2, /adapter file .*missing\.gguf does not exist/],
      [["--model", model, "--prompt", "x", "--temperature", "hot"], 2, /--temperature must be a number between 0 and 5, got "hot"/],
      [["--model", model], 2, /missing --prompt/],
      [["--model", other, "--prompt", "x", "--adapter", adapter], 1, /made for a qwen2 model but .*llama\.gguf is llama/],
      [["--model", model, "--prompt", "x", "--adapter", other], 1, /llama\.gguf is not a GGUF LoRA adapter/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(["chat", ...args]);
      expect(r.code, args.join(" ")).toBe(code);
      expect(r.stderr.split("\n")[0], args.join(" ")).toMatch(message);
    }
  });
});

describe("lora-studio score --adapter", () => {
  it("gives the same adapted log-probabilities from tfjs and llama.cpp, and differs from the base", async () => {
    const score = async (...args: string[]) => {
      const r = await runCli(["score", "--model", model, "--text", "The patient has a fever.", ...args, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      return json<{ logprobs: number[]; adapter?: string }>(r.stdout);
    };
    const tfjs = await score("--adapter", adapter);
    const llama = await score("--adapter", adapter, "--engine", "llama.cpp");
    const base = await score("--engine", "llama.cpp");
    expect(tfjs.adapter).toBe(adapter);
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
    expect(maxDiff(tfjs.logprobs, llama.logprobs)).toBeLessThanOrEqual(5e-3);
    expect(maxDiff(llama.logprobs, base.logprobs)).toBeGreaterThan(0.05);
    const wrong = await runCli(["score", "--model", other, "--text", "x y", "--adapter", adapter]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/made for a qwen2 model but .*llama\.gguf is llama/);
    const wrongLlama = await runCli(["score", "--model", other, "--text", "x y", "--adapter", adapter, "--engine", "llama.cpp"]);
    expect(wrongLlama.code).toBe(1);
    expect(wrongLlama.stderr).toMatch(/made for a qwen2 model but .*llama\.gguf is llama/);
  });
});
