/**
 * `npm run bench:chat`: generation speed of the chat engine (llama.cpp through node-llama-cpp) on the smollm2-135m
 * preset (SmolLM2-135M's shape, random weights, F16, made with makeTinyModel into the temp dir and reused there),
 * base model alone and base + a rank-16 LoRA on all seven projections. Prints one JSON object: decode tokens/s
 * (tokens 2..n over their time), time to first token (prompt evaluation included) and the tuned/base ratio
 * (goal >= 0.95), for the adapter applied at run time (F32 and F16) and merged into a copy of the base.
 *
 * Options: --preset NAME (default smollm2-135m), --tokens N (default 96), --runs N (default 3), --threads LIST
 * (default "1,all,app": one thread, every logical CPU, and the app's thread budget for this model, threadsFor("chat");
 * numbers are taken as is), --cpu (no GPU). Progress goes to stderr. app_choice says how the budget's choice compares
 * with the best measured (issue 14: within 10%).
 */
import { existsSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { physicalCores, threadsFor } from "../electron/app/hardware/threadBudget";
import { exportGgufLora } from "../electron/engine/export/exportGgufLora";
import { openGguf } from "../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../electron/engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../electron/engine/gguf/tiny/presets";
import { ChatEngine, type ChatAnswer } from "../electron/engine/inference/ChatEngine";
import { getLlamaRuntime } from "../electron/engine/inference/llamaRuntime";
import { projectionShape, type LoraWeights } from "../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../electron/engine/lora/LoraConfig";
import { writeLoraGguf } from "../electron/engine/lora/writeLoraGguf";
import { readModelConfig } from "../electron/engine/model/ModelConfig";
import { PROJECTION_TENSOR, PROJECTIONS } from "../electron/engine/model/ModelWeights";
import { Rng } from "../electron/engine/util/Rng";

const { values } = parseArgs({ options: { preset: { type: "string" }, tokens: { type: "string" }, runs: { type: "string" }, threads: { type: "string" }, cpu: { type: "boolean" } } });
const PRESET = (values.preset ?? "smollm2-135m") as PresetName;
const TOKENS = Number(values.tokens ?? 96);
const RUNS = Number(values.runs ?? 3);
const PROMPT = "What should I bring to my first visit at the clinic, and how early should I arrive?";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function ensureFiles(): Promise<{ model: string; adapter: string; adapterF16: string }> {
  const model = join(tmpdir(), `lora-studio-bench-chat-llama-${PRESET}-f16.gguf`);
  if (!existsSync(model)) await makeTinyModel({ arch: "llama", preset: PRESET, dtype: "f16", seed: 0, out: model });
  const adapter = join(tmpdir(), `lora-studio-bench-chat-llama-${PRESET}-r16.gguf`);
  if (!existsSync(adapter)) {
    const file = await openGguf(model);
    const config = readModelConfig(file);
    await file.close();
    const lora = LoraConfigSchema.parse({ rank: 16, alpha: 32 });
    const rng = new Rng(1);
    const weights: LoraWeights = {};
    for (let layer = 0; layer < config.nLayer; layer++) {
      for (const proj of PROJECTIONS) {
        const { inDim, outDim } = projectionShape(config, proj);
        const base = `blk.${layer}.${PROJECTION_TENSOR[proj]}.weight`;
        weights[`${base}.lora_a`] = { shape: [inDim, 16], values: Float32Array.from({ length: inDim * 16 }, () => (rng.float() * 2 - 1) / Math.sqrt(inDim)) };
        weights[`${base}.lora_b`] = { shape: [16, outDim], values: Float32Array.from({ length: 16 * outDim }, () => (rng.float() * 2 - 1) * 0.01) };
      }
    }
    await writeLoraGguf(adapter, weights, lora, config.arch);
  }
  // The F16 export (what `lora-studio export --format gguf-f16` writes) halves the adapter's memory traffic.
  const f16 = await exportGgufLora({ adapterPath: adapter, outDir: join(tmpdir(), `lora-studio-bench-chat-${PRESET}-f16-adapter`), type: "F16" });
  return { model, adapter, adapterF16: f16.adapterPath };
}

let run = 0;
async function measure(engine: ChatEngine, adapter: string | null): Promise<ChatAnswer> {
  // A different first word each run: the engine reuses an evaluated prompt prefix, which would hide the prompt's cost.
  const answer = await engine.generate(`${++run}. ${PROMPT}`, { adapter, maxTokens: TOKENS });
  console.error(`${adapter ?? "base"}: ${answer.tokens.length} tokens, ${round(answer.tokensPerSecond ?? 0)} tokens/s, first token after ${round(answer.timeToFirstTokenMs ?? NaN)} ms`);
  return answer;
}

const llama = await getLlamaRuntime(values.cpu ? false : "auto");
const { model, adapter, adapterF16 } = await ensureFiles();
const results: Record<string, unknown> = {};
// "all": llama.cpp's own default on most machines (every core); "app": the thread budget's choice for this model.
const appThreads = threadsFor("chat", { modelBytes: statSync(model).size });
const resolve = (t: string) => (t === "all" ? availableParallelism() : t === "app" ? appThreads : Number(t));
const labels = (values.threads ?? "1,all,app").split(",").map((t) => ({ label: t === "all" || t === "app" ? `threads_${t}(${resolve(t)})` : `threads_${t}`, threads: resolve(t) }));
const measured = new Map<number, Record<string, unknown>>();
const loadBefore = loadavg()[0]!;
// Every thread count gets its own engine, and the runs alternate between them (base and tuned alternating inside
// each): load from other processes that drifts during the bench then hits every thread count alike.
const adapters = [{ path: adapter, id: "r16" }, { path: adapterF16, id: "r16-f16" }, { path: adapter, id: "r16-merged", merged: true }];
const SIDES = [null, "r16", "r16-f16", "r16-merged"] as const;
const distinct = [...new Set(labels.map((l) => l.threads))];
const engines = new Map<number, ChatEngine>();
const runs = new Map<number, ChatAnswer[][]>(distinct.map((t) => [t, SIDES.map(() => [])]));
try {
  for (const threads of distinct) {
    const engine = await ChatEngine.open(model, { adapters, contextSize: 1024, threads });
    engines.set(threads, engine);
    for (const side of SIDES) await measure(engine, side); // warm-up: contexts created, weights touched
  }
  for (let i = 0; i < RUNS; i++) {
    for (const threads of distinct) {
      console.error(`run ${i + 1}, ${threads} thread(s)`);
      for (const [k, side] of SIDES.entries()) runs.get(threads)![k]!.push(await measure(engines.get(threads)!, side));
    }
  }
} finally {
  for (const engine of engines.values()) await engine.dispose();
}
const summary = (answers: ChatAnswer[]) => ({
  tokens_per_s: round(median(answers.map((a) => a.tokensPerSecond ?? 0))),
  time_to_first_token_ms: round(median(answers.map((a) => a.timeToFirstTokenMs ?? NaN))),
  tokens_generated: median(answers.map((a) => a.tokens.length)),
});
for (const threads of distinct) {
  const [base, tuned, tunedF16, tunedMerged] = runs.get(threads)!.map(summary) as [ReturnType<typeof summary>, ReturnType<typeof summary>, ReturnType<typeof summary>, ReturnType<typeof summary>];
  measured.set(threads, {
    base,
    tuned_f32_adapter: tuned,
    tuned_f16_adapter: tunedF16,
    tuned_merged: tunedMerged,
    tuned_over_base: {
      f32_adapter: round(tuned.tokens_per_s / base.tokens_per_s, 3),
      f16_adapter: round(tunedF16.tokens_per_s / base.tokens_per_s, 3),
      merged: round(tunedMerged.tokens_per_s / base.tokens_per_s, 3),
    },
  });
}
for (const { label, threads } of labels) results[label] = measured.get(threads);
type Entry = { base: { tokens_per_s: number }; tuned_f32_adapter: { tokens_per_s: number } };
const appEntry = measured.get(appThreads) as Entry | undefined;
const entries = [...measured.values()] as Entry[];
const best = (pick: (e: Entry) => number) => Math.max(...entries.map(pick));
const appChoice = appEntry
  ? {
      threads: appThreads,
      physical_cores: physicalCores(),
      base_over_best: round(appEntry.base.tokens_per_s / best((e) => e.base.tokens_per_s), 3),
      tuned_over_best: round(appEntry.tuned_f32_adapter.tokens_per_s / best((e) => e.tuned_f32_adapter.tokens_per_s), 3),
      goal: ">= 0.9 of the best thread count measured",
    }
  : { skipped: "the app's choice was not among --threads" };
console.log(
  JSON.stringify(
    {
      bench: "chat",
      load_average_1min: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2), cores: availableParallelism() },
      app_choice: appChoice,
      preset: PRESET,
      model: "llama arch, F16, random weights",
      adapter: "rank 16, alpha 32, q,k,v,o,gate,up,down; applied at run time as trained (F32) and exported F16, and merged into an F16 copy of the base (ChatEngine's merged: true)",
      gpu: llama.gpu,
      prompt_tokens: "the user prompt in the model's chat template",
      max_tokens: TOKENS,
      runs: RUNS,
      statistic: "median after a warm-up, base and tuned alternating; a new prompt each run (no prefix reuse)",
      goal: "tuned_over_base >= 0.95",
      results,
    },
    null,
    1,
  ),
);
