/**
 * Acceptance of the forward pass: the tfjs engine (wasm backend) and llama.cpp (node-llama-cpp) give the
 * same log-probabilities for the same 64 tokens, on generated llama / qwen2 / qwen3 models and on the
 * shared fixture written by llama.cpp's own converter. The tolerance (max 5e-3, mean 1e-3 nats) covers
 * llama.cpp's F16 KV cache; everything else is computed in float32 on both sides.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tensor2D } from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dequantize } from "../../../electron/engine/gguf/dequantize";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { quantize } from "../../../electron/engine/gguf/quantize";
import { makeTinyModel, type TinyArch, type TinyDtype } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../../../electron/engine/gguf/tiny/presets";
import { scoreWithLlamaCpp } from "../../../electron/engine/inference/scoreWithLlamaCpp";
import { LlamaModel, type LinearHooks } from "../../../electron/engine/model/LlamaModel";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { llama2TinyFixture, requireFixture } from "../../helpers/paths";
import { seededRandom } from "./randomModel";

const TOKENS = 64;
const MAX_TOLERANCE = 5e-3;
const MEAN_TOLERANCE = 1e-3;

const dir = mkdtempSync(join(tmpdir(), "lora-studio-llamacpp-agreement-"));
const measured: Record<string, { max: number; mean: number }> = {};
let tf: Awaited<ReturnType<typeof initTfjs>>["tf"];

beforeAll(async () => {
  ({ tf } = await initTfjs({ prefer: "wasm" }));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(`tfjs vs llama.cpp logprob differences (nats):\n${JSON.stringify(measured, null, 1)}`);
});

async function tinyModel(arch: TinyArch, preset: PresetName, dtype: TinyDtype): Promise<string> {
  const out = join(dir, `${arch}-${preset}-${dtype}.gguf`);
  await makeTinyModel({ arch, preset, dtype, seed: 11, out });
  return out;
}

interface Agreement {
  max: number;
  mean: number;
}

type Scorer = (path: string, tokens: number[]) => Promise<number[]>;
const llamaCppAsShipped: Scorer = (path, tokens) => scoreWithLlamaCpp(path, tokens, { kvCache: "F16" }); // llama.cpp's usual cache
const llamaCppF32Cache: Scorer = (path, tokens) => scoreWithLlamaCpp(path, tokens, { kvCache: "F32" });
/** With llama.cpp's KV cache in F32 both sides compute in float32 throughout; measured <= 7e-5. */
const F32_CACHE_TOLERANCE = 2e-4;

/** Scores the same random tokens with both engines; `quantizedActivations` emulates llama.cpp's Q8_0 matmuls. */
async function compare(path: string, label: string, score: Scorer, options: { quantizedActivations?: boolean } = {}): Promise<Agreement> {
  const file = await openGguf(path);
  const model = await LlamaModel.load(file).finally(() => file.close());
  try {
    const rng = seededRandom(2024);
    const tokens = Array.from({ length: TOKENS }, () => Math.floor(rng.uniform() * model.config.vocabSize));
    const ours = options.quantizedActivations ? await logprobsWithQ8Activations(model, tokens) : await model.logprobs(tokens);
    const ref = await score(path, tokens);
    expect(ref).toHaveLength(TOKENS - 1);
    expect(ours).toHaveLength(TOKENS - 1);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(ours[i]! - ref[i]!);
      max = Math.max(max, d);
      sum += d;
    }
    measured[label] = { max, mean: sum / ref.length };
    return measured[label];
  } finally {
    model.dispose();
  }
}

describe("tfjs forward agrees with llama.cpp", () => {
  for (const arch of ["llama", "qwen2", "qwen3"] as const) {
    for (const preset of ["tiny", "small"] as const) {
      it(`${arch} ${preset} F32`, async () => {
        const path = await tinyModel(arch, preset, "f32");
        const exact = await compare(path, `${arch}-${preset}-f32 (llama.cpp F32 KV cache)`, llamaCppF32Cache);
        expect(exact.max).toBeLessThanOrEqual(F32_CACHE_TOLERANCE);
        const { max, mean } = await compare(path, `${arch}-${preset}-f32`, llamaCppAsShipped);
        expect(max).toBeLessThanOrEqual(MAX_TOLERANCE);
        expect(mean).toBeLessThanOrEqual(MEAN_TOLERANCE);
      });
    }
  }

  it("llama-2-tiny-random.gguf (F16, written by llama.cpp's converter, q/k permuted)", async () => {
    const path = requireFixture(llama2TinyFixture);
    const exact = await compare(path, "fixture-f16 (llama.cpp F32 KV cache)", llamaCppF32Cache);
    expect(exact.max).toBeLessThanOrEqual(F32_CACHE_TOLERANCE);
    const { max, mean } = await compare(path, "fixture-f16", llamaCppAsShipped);
    expect(max).toBeLessThanOrEqual(MAX_TOLERANCE);
    expect(mean).toBeLessThanOrEqual(MEAN_TOLERANCE);
  });

  // Note: with Q8_0 weights llama.cpp's CPU matmul also rounds each activation row to Q8_0 (8 bits per
  // 32 values, ggml's vec_dot_type for Q8_0), which alone moves logprobs by ~5e-2 on this sharply peaked
  // random model, beyond the 5e-3 budget. The engine deliberately computes in float32 on the dequantized
  // weights (what training differentiates), so the check applies the same activation rounding through the
  // LinearHooks and the output head, with llama.cpp's KV cache in F32 (otherwise its F16 rounding flips
  // later Q8_0 roundings): what remains is the dequantization, which must then agree like F32 does.
  it("llama tiny Q8_0 (llama.cpp's activation rounding emulated)", async () => {
    const path = await tinyModel("llama", "tiny", "q8_0");
    const { max, mean } = await compare(path, "llama-tiny-q8_0 (Q8_0 activations emulated, F32 KV cache)", llamaCppF32Cache, {
      quantizedActivations: true,
    });
    expect(max).toBeLessThanOrEqual(MAX_TOLERANCE);
    expect(mean).toBeLessThanOrEqual(MEAN_TOLERANCE);
    // Recorded for the report, and bounded so that a gross dequantization error fails here too.
    const plain = await compare(path, "llama-tiny-q8_0 (as shipped, float32 activations)", llamaCppAsShipped);
    expect(plain.max).toBeLessThan(0.5);
  });
});

/** Rounds each row of x [rows, k] to Q8_0 and back, as ggml quantizes the activation operand. */
function roundToQ8_0(x: Tensor2D): Tensor2D {
  const values = x.dataSync() as Float32Array;
  return tf.tensor2d(dequantize(GgmlType.Q8_0, quantize(GgmlType.Q8_0, values), values.length, "activations"), x.shape);
}

/** logprobs with every projection and the output head fed Q8_0-rounded inputs, computed from full logits. */
async function logprobsWithQ8Activations(model: LlamaModel, tokens: number[]): Promise<Float32Array> {
  const hooks: LinearHooks = (layer, proj, x) => {
    const { w, b } = model.weights.layers[layer]!.proj[proj];
    const y: Tensor2D = tf.matMul(roundToQ8_0(x), w);
    return b ? tf.add<Tensor2D>(y, b) : y;
  };
  const picked = tf.tidy(() => {
    const ctx = model.context([tokens], hooks);
    const logits = model.head(roundToQ8_0(model.hidden([tokens], ctx)));
    const logp = tf.logSoftmax(logits);
    const rows = tokens.slice(1).map((next, i) => tf.slice(logp, [i, next], [1, 1]));
    return tf.reshape(tf.concat(rows), [-1]);
  });
  const out = (await picked.data()) as Float32Array;
  picked.dispose();
  return out;
}
