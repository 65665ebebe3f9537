/**
 * One passage through the drafting model (a tiny random-weight model: the mechanism, not the quality): a Chinese
 * passage is asked in Chinese and its drafts parse; a passage longer than the context leaves is a problem naming
 * the file and page, not a crash; a stop drafts nothing; a file that is not GGUF, or a context too small for the
 * prompt, is refused with a message in both languages.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuestionIndex } from "../../../electron/app/drafting/checkDraft";
import { Drafter, DraftModelError } from "../../../electron/app/drafting/Drafter";
import { draftPassage } from "../../../electron/app/drafting/draftPassage";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { TEST_CONTEXT, TEST_LIMITS, TEST_PASSAGE_TOKENS } from "./draftingFixtures";

const dir = mkdtempSync(join(tmpdir(), "draft-passage-"));
const model = join(dir, "m.gguf");
let drafter: Drafter;

beforeAll(async () => {
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: model, seed: 2 });
  drafter = await Drafter.open(model, { pairs: 2, threads: 1, limits: TEST_LIMITS, passageTokens: TEST_PASSAGE_TOKENS, contextSize: TEST_CONTEXT });
}, 60_000);
afterAll(async () => {
  await drafter?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("drafting one passage", () => {
  it("drafts a Chinese passage (the model's vocabulary has Chinese): the pairs parse, within their bounds", async () => {
    const text = "抽血检查前需要空腹八小时，可以喝水。";
    expect(drafter.canWriteChinese(text).ok).toBe(true);
    const r = await draftPassage(drafter, { file: "指南.md", page: null, start: 0, end: text.length, text }, new QuestionIndex());
    expect(r.problems).toEqual([]);
    expect(r.drafts).toHaveLength(2);
    for (const d of r.drafts) {
      expect(d.question.length).toBeGreaterThan(0);
      expect(d.question.length).toBeLessThanOrEqual(drafter.limits.questionChars);
      expect(d.answer.length).toBeLessThanOrEqual(drafter.limits.answerChars);
    }
    expect(r.drafts[1]!.checks.duplicate || r.drafts[0]!.question !== r.drafts[1]!.question).toBe(true);
  }, 60_000);

  it("reports a passage longer than the context leaves, naming file and page", async () => {
    const text = "Blood tests need fasting for eight hours before the appointment. ".repeat(40);
    const r = await draftPassage(drafter, { file: "guide.pdf", page: 4, start: 100, end: 100 + text.length, text }, new QuestionIndex());
    expect(r.drafts).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: "PASSAGE_TOO_LONG", file: "guide.pdf", page: 4 });
    expect(r.problems[0]!.message.en).toMatch(/^guide\.pdf, page 4: the passage with its prompt takes \d+ tokens, more than the 1024 of m\.gguf's context/);
    expect(r.problems[0]!.message.zh).toMatch(/^guide\.pdf 第 4 页：/);
  });

  it("drafts nothing once stopped", async () => {
    const stop = new AbortController();
    stop.abort();
    const r = await draftPassage(drafter, { file: "a.md", page: null, start: 0, end: 20, text: "Water is allowed before the test." }, new QuestionIndex(), stop.signal);
    expect(r).toMatchObject({ aborted: true, drafts: [], problems: [] });
  });

  it("refuses a file that is not GGUF and a context too small, in both languages", async () => {
    const notGguf = join(dir, "model.gguf");
    writeFileSync(notGguf, "not a model");
    const bad = await Drafter.open(notGguf, { pairs: 1 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DraftModelError);
    expect((bad as DraftModelError).code).toBe("NOT_GGUF");
    expect((bad as DraftModelError).localized.zh).toMatch(/model\.gguf 不是 GGUF 模型文件/);
    const small = await Drafter.open(model, { pairs: 3, threads: 1, contextSize: 256 }).catch((e: unknown) => e);
    expect((small as DraftModelError).code).toBe("CONTEXT_TOO_SMALL");
    expect((small as DraftModelError).localized.en).toMatch(/m\.gguf has a context of 256 tokens: too small for the prompt, a passage and 3 answers/);
  }, 60_000);
});
