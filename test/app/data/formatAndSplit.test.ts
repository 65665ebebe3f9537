import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { ChatFormatter } from "../../../electron/app/data/ChatFormatter";
import { splitDataset, validationSize } from "../../../electron/app/data/splitDataset";
import { prepareDataset } from "../../../electron/app/data/prepareDataset";
import type { Example, TrainingItem } from "../../../electron/app/data/types";

const dir = mkdtempSync(join(tmpdir(), "data-format-"));
const modelPath = join(dir, "tiny.gguf");
let formatter: ChatFormatter;
beforeAll(async () => {
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: modelPath });
  formatter = await ChatFormatter.load(modelPath);
});
afterAll(async () => {
  await formatter?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The runs of masked tokens, decoded. */
function maskedSpans(f: ChatFormatter, tokens: number[], mask: number[]): string[] {
  const spans: string[] = [];
  let cur: number[] = [];
  mask.forEach((m, i) => {
    if (m) cur.push(tokens[i]!);
    else if (cur.length) spans.push(f.detokenize(cur)), (cur = []);
  });
  if (cur.length) spans.push(f.detokenize(cur));
  return spans;
}

describe("formatting with the model's chat template", () => {
  it("masks exactly each assistant turn plus <|im_end|> on the ChatML template", () => {
    expect(formatter.templateName).toBe("ChatML");
    const r = formatter.renderChat([
      { role: "system", content: "Be kind." },
      { role: "user", content: "Hello there" },
      { role: "assistant", content: "Hi, how are you?" },
      { role: "user", content: "ok 你好" },
      { role: "assistant", content: "Good. 好的" },
    ]);
    expect(r.tokens.length).toBe(r.lossMask.length);
    expect(maskedSpans(formatter, r.tokens, r.lossMask)).toEqual(["Hi, how are you?<|im_end|>", "Good. 好的<|im_end|>"]);
    expect(r.tokens.at(-1)).toBe(formatter.endOfTurn);
    expect(formatter.detokenize([r.tokens[0]!])).toBe("<s>");
    expect(formatter.detokenize(r.tokens)).toContain("<|im_start|>");
  });

  it("trains documents on every token and truncates to the sequence length", () => {
    const doc: Example = { id: "d", kind: "document", text: "Wash hands before and after each patient.", source: { file: "g.txt", chunk: 0 } };
    const item = formatter.format(doc, 1024);
    expect(item.lossMask.every((m) => m === 1)).toBe(true);
    const cut = formatter.format(doc, 4);
    expect(cut.tokens).toHaveLength(4);
    expect(cut.truncated).toBe(item.tokens.length - 4);
  });
});

describe("train/validation split", () => {
  const chats = (n: number, prefix = "q"): Example[] =>
    Array.from({ length: n }, (_, i) => ({ id: `f:L${i + 1}`, kind: "chat", messages: [{ role: "user", content: `${prefix} question number ${i} about topic ${i * 7}` }, { role: "assistant", content: `answer ${i}` }], source: { file: "f", line: i + 1 } }));

  it("has the documented sizes: about 10%, at least 5, at most 200, at most a quarter", () => {
    expect([1, 8, 20, 30, 100, 1000, 5000].map((n) => validationSize(n))).toEqual([0, 2, 5, 5, 10, 100, 200]);
  });

  it("is deterministic by seed and keeps groups and near-duplicates on one side", () => {
    const ex = chats(60);
    // Chunks of one document, and a near-duplicate pair.
    for (let c = 0; c < 4; c++) ex.push({ id: `doc:C${c}`, kind: "document", text: `chunk ${c} of the guideline, part ${c * 13}`, group: "doc:g", source: { file: "g.txt", chunk: c } });
    ex.push({ ...ex[3]!, id: "dup", messages: [{ role: "user", content: ex[3]!.messages![0]!.content + " please" }, ex[3]!.messages![1]!] });
    const a = splitDataset(ex, { seed: 1 });
    const b = splitDataset(ex, { seed: 1 });
    const c = splitDataset(ex, { seed: 2 });
    expect(a.validation.map((e) => e.id)).toEqual(b.validation.map((e) => e.id));
    expect(a.validation.map((e) => e.id)).not.toEqual(c.validation.map((e) => e.id));
    expect(a.validation.length).toBeGreaterThanOrEqual(validationSize(ex.length));
    expect(a.validation.length).toBeLessThanOrEqual(validationSize(ex.length) + 4);
    for (const s of [a, b, c]) {
      const valIds = new Set(s.validation.map((e) => e.id));
      const docSides = new Set(ex.filter((e) => e.group === "doc:g").map((e) => valIds.has(e.id)));
      expect(docSides.size).toBe(1);
      expect(valIds.has("f:L4")).toBe(valIds.has("dup"));
    }
  });
});

describe("prepareDataset", () => {
  it("writes train.jsonl, validation.jsonl and dataset.json with redaction recorded", async () => {
    const words = "hand wash glove mask gown needle sharps waste linen bed visitor isolation fever cough vaccine".split(" ");
    const lines = Array.from({ length: 30 }, (_, i) => {
      const topic = `${words[i % 15]} ${words[(i * 7 + 3) % 15]}`;
      return JSON.stringify({ messages: [{ role: "user", content: `Question ${i} on ${topic}; mail me at p${i}@example.com` }, { role: "assistant", content: `For ${topic}, see rule ${i}.` }] });
    });
    lines.push(JSON.stringify({ instruction: "Empty answer", output: " " }));
    const data = join(dir, "faq.jsonl");
    writeFileSync(data, lines.join("\n"));
    const out = join(dir, "out");
    const rec = await prepareDataset([data], { modelPath, outDir: out, seqLen: 256, redact: { email: "placeholder" } });
    const read = (f: string) => readFileSync(join(out, f), "utf8").trim().split("\n").map((l) => JSON.parse(l) as TrainingItem);
    const train = read("train.jsonl");
    const validation = read("validation.jsonl");
    expect(train.length + validation.length).toBe(30);
    expect(validation.length).toBeGreaterThanOrEqual(5);
    expect(validation.length).toBeLessThanOrEqual(7);
    expect(rec.counts).toMatchObject({ examples: 31, train: train.length, validation: validation.length, excluded: 1 });
    expect(rec.excluded[0]!.source).toEqual({ file: "faq.jsonl", line: 31 });
    expect(rec.redaction).toEqual({ choices: { email: "placeholder" }, counts: { email: 30 } });
    const text = formatter.detokenize(train[0]!.tokens);
    expect(text).toContain("[EMAIL]");
    expect(text).not.toContain("@example.com");
    for (const item of [...train, ...validation]) {
      expect(item.tokens.length).toBe(item.lossMask.length);
      expect(item.lossMask.at(-1)).toBe(1);
    }
    const json = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8"));
    expect(json.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.model.chatTemplate).toBe("ChatML");
    expect(json.split).toEqual({ seed: 42, fraction: 0.1, min: 5, max: 200 });
  });
});
