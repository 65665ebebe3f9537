/**
 * `npm run bench:forward`: forward-pass throughput of the tfjs engine (wasm backend) against llama.cpp on the
 * same 256 tokens, for the w576-4l-v4k and smollm2-135m shapes (llama arch, F32, random weights made with
 * makeTinyModel into the temp dir and reused there). Prints one JSON object.
 *
 * tfjs: median of RUNS forward passes after a warm-up (the first pays XNNPACK's weight packing), both with
 * the full [256, vocab] logits and without the output head. llama.cpp: prompt evaluation of the same tokens
 * in a fresh sequence (it computes logits for the last position only), at 1 thread and at its default.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openGguf } from "../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../electron/engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../electron/engine/gguf/tiny/presets";
import { getLlamaRuntime } from "../electron/engine/inference/llamaRuntime";
import { LlamaModel } from "../electron/engine/model/LlamaModel";
import { initTfjs } from "../native-deps/tfjsBackend";

const SEQ = 256;
const RUNS = 3;
const PRESETS: PresetName[] = ["w576-4l-v4k", "smollm2-135m"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

async function timeRuns(runs: number, fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

async function benchTfjs(path: string, tokens: number[]) {
  const { tf } = await initTfjs({ prefer: "wasm" });
  const file = await openGguf(path);
  const t0 = performance.now();
  const model = await LlamaModel.load(file).finally(() => file.close());
  const loadS = (performance.now() - t0) / 1000;
  try {
    const withHead = await timeRuns(RUNS, async () => {
      const logits = model.forward([tokens]);
      await logits.data();
      logits.dispose();
    });
    const bodyOnly = await timeRuns(RUNS, async () => {
      const hidden = model.hidden([tokens]);
      await hidden.data();
      hidden.dispose();
    });
    return {
      backend: tf.getBackend(),
      load_s: round(loadS),
      tokens_per_s: round(SEQ / withHead),
      s_per_forward: Math.round(withHead * 1000) / 1000,
      tokens_per_s_without_head: round(SEQ / bodyOnly),
    };
  } finally {
    model.dispose();
  }
}

async function benchLlamaCpp(path: string, tokens: number[]) {
  const llama = await getLlamaRuntime(false);
  const model = await llama.loadModel({ modelPath: path });
  const out: Record<string, number> = {};
  try {
    for (const threads of [1, 0]) {
      const context = await model.createContext({ contextSize: SEQ, batchSize: SEQ, sequences: 1, threads });
      try {
        const sequence = context.getSequence();
        const s = await timeRuns(RUNS, async () => {
          await sequence.clearHistory();
          await sequence.evaluateWithoutGeneratingNewTokens(tokens as never);
        });
        out[threads === 0 ? `tokens_per_s_default_threads(${llama.cpuMathCores})` : "tokens_per_s_1_thread"] = round(SEQ / s);
      } finally {
        await context.dispose();
      }
    }
  } finally {
    await model.dispose();
  }
  return out;
}

const results: Record<string, unknown> = {};
for (const preset of PRESETS) {
  const path = join(tmpdir(), `lora-studio-bench-llama-${preset}-f32.gguf`);
  if (!existsSync(path)) await makeTinyModel({ arch: "llama", preset, dtype: "f32", seed: 0, out: path });
  let s = 1;
  const file = await openGguf(path);
  const vocab = file.tensor("token_embd.weight").dims[1]!;
  await file.close();
  const tokens = Array.from({ length: SEQ }, () => (s = (s * 48271) % 2147483647) % vocab);
  results[preset] = { tfjs: await benchTfjs(path, tokens), llamacpp: await benchLlamaCpp(path, tokens) };
}
console.log(JSON.stringify({ bench: "forward", seq: SEQ, batch: 1, runs: RUNS, statistic: "median after warm-up", results }, null, 1));
