import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyModel } from "../../electron/engine/gguf/tiny/makeTinyModel";
import { llama2TinyFixture, requireFixture } from "../helpers/paths";
import { runCli } from "../helpers/runCli";

const dir = mkdtempSync(join(tmpdir(), "cli-score-"));
const model = join(dir, "qwen2.gguf");
beforeAll(() => makeTinyModel({ arch: "qwen2", preset: "tiny", out: model, seed: 3 }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function score(...args: string[]) {
  const { stdout, code, stderr } = await runCli(["score", ...args, "--json"]);
  if (code !== 0) throw new Error(stderr);
  return JSON.parse(stdout) as { engine: string; backend?: string; tokens: number[]; logprobs: number[] };
}

describe("lora-studio score", () => {
  it("gives the same log-probabilities from the tfjs engine and llama.cpp for a text", async () => {
    const text = "The patient has a fever and a cough. 病人发烧。";
    const ours = await score("--model", model, "--text", text, "--engine", "tfjs");
    const ref = await score("--model", model, "--text", text, "--engine", "llama.cpp");
    expect(ours.backend).toBe("wasm");
    expect(ours.tokens).toEqual(ref.tokens);
    expect(ours.tokens[0]).toBe(1); // BOS, which this model asks for
    expect(ours.logprobs).toHaveLength(ours.tokens.length - 1);
    const diffs = ours.logprobs.map((lp, i) => Math.abs(lp - ref.logprobs[i]!));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(5e-3);
    // Not a degenerate model: the tokens are far from certain.
    expect(Math.min(...ref.logprobs)).toBeLessThan(-1);
  });

  it("scores given token ids on llama.cpp's own fixture", async () => {
    const tokens = [1, 450, 4996, 17354, 1701, 432, 17204, 975, 278, 17366, 11203];
    const fixture = requireFixture(llama2TinyFixture);
    const ours = await score("--model", fixture, "--tokens", JSON.stringify(tokens));
    const ref = await score("--model", fixture, "--tokens", JSON.stringify(tokens), "--engine", "llama.cpp");
    expect(ours.tokens).toEqual(tokens);
    ours.logprobs.forEach((lp, i) => expect(Math.abs(lp - ref.logprobs[i]!)).toBeLessThanOrEqual(5e-3));
  });

  it("rejects token ids outside the vocabulary with a one-line error", async () => {
    const err = await runCli(["score", "--model", model, "--tokens", "[1, 999999]"]);
    expect(err.code).toBe(1);
    expect(err.stderr.trim().split("\n")).toHaveLength(1);
    expect(err.stderr).toContain("999999");
  });
});
