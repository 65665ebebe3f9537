/**
 * The chat engine on llama.cpp with generated tiny models and random adapters: prompts rendered exactly as the
 * training data is, streaming, seeds, abort, several adapters, adapters changed on disk, and bad adapters refused
 * with a message instead of a crashed process.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatFormatter } from "../../../electron/app/data/ChatFormatter";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { GgufValueType } from "../../../electron/engine/gguf/types";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { ChatEngine, type ChatChunk } from "../../../electron/engine/inference/ChatEngine";
import { AdapterMismatchError } from "../../../electron/engine/inference/ChatEngineError";
import { writeRandomAdapter } from "./randomAdapter";

const dir = mkdtempSync(join(tmpdir(), "chat-engine-"));
const model = join(dir, "qwen2.gguf");
const llamaModel = join(dir, "llama.gguf");
let adapterA = "";
let adapterB = "";
let engine: ChatEngine;
const PROMPT = "What is the capital of France?";
const HISTORY = [
  { role: "system" as const, content: "You answer briefly." },
  { role: "user" as const, content: "Hello there." },
  { role: "assistant" as const, content: "Hi. How can I help?" },
  { role: "user" as const, content: PROMPT },
];

beforeAll(async () => {
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: model, seed: 11 });
  await makeTinyModel({ arch: "llama", preset: "tiny", out: llamaModel, seed: 11 });
  adapterA = await writeRandomAdapter(model, join(dir, "a.gguf"), 1);
  adapterB = await writeRandomAdapter(model, join(dir, "b.gguf"), 2);
  // One thread: the contexts of a tiny model gain nothing from more, and lose a lot on a busy machine.
  engine = await ChatEngine.open(model, { adapters: [adapterA, { path: adapterB, id: "second" }], threads: 1 });
}, 60_000);
afterAll(async () => {
  await engine?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("ChatEngine", () => {
  it("renders the prompt token for token as the training data formatter does, and evaluates exactly that", async () => {
    expect(engine.templateName).toBe("ChatML");
    const formatter = await ChatFormatter.load(model);
    try {
      const rendered = formatter.renderChat([...HISTORY, { role: "assistant", content: "" }]).tokens;
      // The formatter closes the (empty) last answer with the end-of-turn token; the prompt leaves it open.
      expect(rendered.at(-1)).toBe(formatter.endOfTurn);
      expect(engine.promptTokens(HISTORY)).toEqual(rendered.slice(0, -1));
    } finally {
      await formatter.dispose();
    }
    const answer = await engine.generate(HISTORY, { maxTokens: 8 });
    const context = await engine.contextTokens(null);
    expect(context.slice(0, answer.promptTokens)).toEqual(engine.promptTokens(HISTORY));
    expect(context.slice(answer.promptTokens, answer.promptTokens + answer.tokens.length - 1)).toEqual(answer.tokens.slice(0, -1));
  });

  it("streams an answer token by token; the chunks make up the answer", async () => {
    const chunks: ChatChunk[] = [];
    const answer = await engine.generate(PROMPT, { adapter: "a", maxTokens: 12, onToken: (c) => chunks.push(c) });
    expect(answer.adapter).toBe("a");
    expect(answer.tokens).toHaveLength(12);
    expect(answer.stopReason).toBe("maxTokens");
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    expect(chunks.flatMap((c) => c.tokens)).toEqual(answer.tokens);
    expect(chunks.map((c) => c.text).join("")).toBe(answer.text);
    expect(answer.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(answer.tokensPerSecond).toBeGreaterThan(0);

    const streamed: string[] = [];
    const stream = engine.stream(PROMPT, { adapter: "a", maxTokens: 12 });
    let next = await stream.next();
    while (!next.done) {
      streamed.push(next.value.text);
      next = await stream.next();
    }
    expect(next.value.tokens).toEqual(answer.tokens); // greedy: the same answer again
    expect(streamed.join("")).toBe(answer.text);
  });

  it("answers base and tuned with the same settings and seed; a seed repeats, another seed differs", async () => {
    const settings = { maxTokens: 16, temperature: 1.5, seed: 1234 };
    const first = await engine.compare(PROMPT, { ...settings, adapter: "a" });
    expect(first.seed).toBe(1234);
    expect(first.base.seed).toBe(1234);
    expect(first.tuned.seed).toBe(1234);
    expect(first.base.adapter).toBeNull();
    expect(first.tuned.adapter).toBe("a");
    const again = await engine.compare(PROMPT, { ...settings, adapter: "a" });
    expect(again.base.tokens).toEqual(first.base.tokens);
    expect(again.tuned.tokens).toEqual(first.tuned.tokens);
    const alone = await engine.generate(PROMPT, { ...settings, adapter: null });
    expect(alone.tokens).toEqual(first.base.tokens); // the base context is untouched by the adapter's
    // (The random base model puts nearly all probability on a newline; the tuned one spreads it.)
    const other = await engine.generate(PROMPT, { ...settings, adapter: "a", seed: 99 });
    expect(other.tokens).not.toEqual(first.tuned.tokens);
    expect(first.tuned.tokens).not.toEqual(first.base.tokens);
    // No seed given: the engine draws one and reports it, the same for both sides.
    const drawn = await engine.compare(PROMPT, { maxTokens: 4, temperature: 0.8, adapter: "second" });
    expect(drawn.seed).toEqual(expect.any(Number));
    expect(drawn.base.seed).toBe(drawn.seed);
    expect(drawn.tuned.seed).toBe(drawn.seed);
  });

  it("switches between several adapters, each with its own reused context", async () => {
    expect(engine.adapters.map((a) => a.id)).toEqual(["a", "second"]);
    const greedy = { maxTokens: 12 };
    const base = await engine.generate(PROMPT, greedy);
    const a = await engine.generate(PROMPT, { ...greedy, adapter: "a" });
    const b = await engine.generate(PROMPT, { ...greedy, adapter: "second" });
    expect(new Set([base.text, a.text, b.text]).size).toBe(3);
    expect((await engine.generate(PROMPT, { ...greedy, adapter: "a" })).tokens).toEqual(a.tokens);
    expect((await engine.generate(PROMPT, greedy)).tokens).toEqual(base.tokens);
    await expect(engine.generate(PROMPT, { adapter: "nope" })).rejects.toThrow(/no adapter "nope" is loaded; loaded: a, second/);
    await expect(engine.compare(PROMPT)).rejects.toThrow(/name the adapter/);
  });

  it("answers from a merged copy of base + adapter exactly as with the adapter applied at run time", async () => {
    await engine.addAdapter({ path: adapterA, id: "a-merged", merged: true, mergedType: "F32" });
    expect(engine.adapters.find((a) => a.id === "a-merged")?.merged).toBe(true);
    const greedy = { maxTokens: 16 };
    const runtime = await engine.generate(PROMPT, { ...greedy, adapter: "a" });
    const merged = await engine.generate(PROMPT, { ...greedy, adapter: "a-merged" });
    expect(merged.tokens).toEqual(runtime.tokens);
    expect(merged.tokens).not.toEqual((await engine.generate(PROMPT, greedy)).tokens);
    await engine.removeAdapter("a-merged");
    expect(engine.adapters.map((a) => a.id)).toEqual(["a", "second"]);
  });

  it("stops on abort: mid-answer with what it has, before the first token with nothing", async () => {
    const controller = new AbortController();
    let seen = 0;
    const answer = await engine.generate(PROMPT, { adapter: "a", maxTokens: 200, signal: controller.signal, onToken: () => ++seen === 3 && controller.abort() });
    expect(answer.stopReason).toBe("aborted");
    expect(answer.tokens.length).toBeGreaterThanOrEqual(3);
    expect(answer.tokens.length).toBeLessThan(200);
    const early = await engine.generate(PROMPT, { signal: AbortSignal.abort() });
    expect(early).toMatchObject({ stopReason: "aborted", text: "", tokens: [] });
    // A stream left early aborts its generation, and the engine answers the next call normally.
    for await (const _ of engine.stream(PROMPT, { maxTokens: 100 })) break;
    expect((await engine.generate(PROMPT, { maxTokens: 3 })).tokens).toHaveLength(3);
    await expect(engine.generate([{ role: "assistant", content: "x" }])).rejects.toThrow(/ends with a assistant turn; it must end with the user turn/);
  });

  it("loads an adapter file that changed on disk as the new content (node-llama-cpp caches by path)", async () => {
    const path = join(dir, "retrained.gguf");
    copyFileSync(adapterA, path);
    const first = await engine.addAdapter({ path, id: "retrained" });
    const before = await engine.generate(PROMPT, { adapter: "retrained", maxTokens: 12 });
    expect(before.tokens).toEqual((await engine.generate(PROMPT, { adapter: "a", maxTokens: 12 })).tokens);
    copyFileSync(adapterB, path); // trained again into the same file
    const second = await engine.addAdapter({ path, id: "retrained" });
    expect(second.sha256).not.toBe(first.sha256);
    const after = await engine.generate(PROMPT, { adapter: "retrained", maxTokens: 12 });
    expect(after.tokens).toEqual((await engine.generate(PROMPT, { adapter: "second", maxTokens: 12 })).tokens);
    await engine.removeAdapter("retrained");
    expect(engine.adapters.map((a) => a.id)).toEqual(["a", "second"]);
  });

  it("refuses adapters that do not fit the base model, naming the file and the problem", async () => {
    await expect(engine.addAdapter(model)).rejects.toThrow(/qwen2\.gguf is not a GGUF LoRA adapter \(general\.type "missing"/);
    const llamaAdapter = await writeRandomAdapter(llamaModel, join(dir, "llama-adapter.gguf"), 3);
    await expect(engine.addAdapter(llamaAdapter)).rejects.toThrow(AdapterMismatchError);
    await expect(engine.addAdapter(llamaAdapter)).rejects.toThrow(/made for a llama model but .*qwen2\.gguf is qwen2/);
    // An alpha stored as UINT32 makes llama.cpp abort the process; the engine refuses it first.
    const source = await openGguf(adapterA);
    const kvs = source.kvs.map((kv) => (kv.key === "adapter.lora.alpha" ? { key: kv.key, type: GgufValueType.UINT32, value: 16 } : kv));
    const tensors = await Promise.all(source.tensors.map(async (t) => ({ name: t.name, dims: t.dims, type: t.type, data: await source.readTensorBytes(t.name) })));
    await source.close();
    const badAlpha = join(dir, "bad-alpha.gguf");
    await writeGguf(badAlpha, kvs as never, tensors as never);
    await expect(engine.addAdapter(badAlpha)).rejects.toThrow(/adapter\.lora\.alpha as GGUF type 4, not FLOAT32/);
    // Wider projections: the adapter of another model of the same architecture.
    const wide = join(dir, "wide.gguf");
    await makeTinyModel({ arch: "qwen2", preset: "small", out: wide, seed: 1 });
    const wideAdapter = await writeRandomAdapter(wide, join(dir, "wide-adapter.gguf"), 4);
    await expect(engine.addAdapter(wideAdapter)).rejects.toThrow(/tensor blk\.0\.\w+\.weight\.lora_[ab] has shape \[.*\] but blk\.0\.\w+\.weight of .*qwen2\.gguf is/);
    expect(engine.adapters.map((a) => a.id)).toEqual(["a", "second"]);
    expect((await engine.generate(PROMPT, { maxTokens: 2 })).tokens).toHaveLength(2); // still alive
  });
});
