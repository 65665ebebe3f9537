/**
 * The head's loss over vocabulary chunks (electron/engine/training/chunkedHeadCrossEntropy.ts) equals the fused
 * whole-vocabulary headCrossEntropy within 1e-5 (loss and dHidden) for every way a head is held: untied [nEmbd, vocab],
 * tied (the embedding as head^T), VocabSplit's chunks (sub-chunked), and a head kept quantized, tied (Q8_0 embedding)
 * or untied (F16 output.weight), read from its blocks on webgpu. Its peak memory scales with the chunk, not the vocabulary. Shared by
 * chunkedHead.test.ts (wasm) and webgpuChunkedHead.test.ts (webgpu on SwiftShader).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as tfType from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { headChunks } from "../../../electron/engine/training/headChunks";
import { headCrossEntropy } from "../../../electron/engine/training/headCrossEntropy";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { writeMixedQuantModel } from "../../helpers/mixedQuantModel";
import { randomModel, seededRandom, type RandomModelSpec } from "../model/randomModel";

const base = { nLayer: 1, nEmbd: 16, nHead: 4, nHeadKv: 2, headDim: 4, nFf: 24, nRot: 4, ropeBase: 10000, rmsEps: 1e-5 } as const;
const SPECS: Record<string, RandomModelSpec & { limit?: number }> = {
  "untied head": { ...base, arch: "llama", vocab: 301, tied: false },
  "tied head": { ...base, arch: "qwen2", vocab: 301, tied: true, qkvBias: true },
  "VocabSplit chunks, untied": { ...base, arch: "llama", vocab: 301, tied: false, limit: 100 * 16 * 4 },
  "VocabSplit chunks, tied": { ...base, arch: "qwen2", vocab: 301, tied: true, qkvBias: true, limit: 100 * 16 * 4 },
};
const CHUNK = 64; // 301 = 4 x 64 + 45; VocabSplit's 100-row chunks are cut into 64 + 36
const ROWS = 23;

async function load(spec: RandomModelSpec & { limit?: number }): Promise<LlamaModel> {
  if (spec.limit) process.env.LORA_STUDIO_MAX_BINDING_BYTES = String(spec.limit);
  try {
    return await LlamaModel.load(randomModel(spec, 99).source);
  } finally {
    delete process.env.LORA_STUDIO_MAX_BINDING_BYTES;
  }
}

/** Loss and dHidden of the head's loss for random hidden states, targets and weights. */
async function lossAndGrad(tf: typeof tfType, model: LlamaModel, chunkRows: number, seed: number) {
  const rng = seededRandom(seed);
  const { nEmbd, vocabSize } = model.config;
  const hidden = tf.tensor2d(Float32Array.from({ length: ROWS * nEmbd }, () => rng.normal() * 2), [ROWS, nEmbd]);
  const targets = Int32Array.from({ length: ROWS }, (_, i) => (i === 0 ? vocabSize - 1 : Math.floor(rng.uniform() * vocabSize)));
  const weight = Float32Array.from({ length: ROWS }, (_, i) => (i % 5 === 2 ? 0 : 1 / ROWS));
  const { value, grad } = tf.valueAndGrad((h: tfType.Tensor) => headCrossEntropy(model, h as tfType.Tensor2D, targets, weight, chunkRows))(hidden);
  const out = { loss: (await value.data())[0]!, grad: (await grad.data()) as Float32Array };
  tf.dispose([hidden, value, grad]);
  return out;
}

function compare(a: { loss: number; grad: Float32Array }, b: { loss: number; grad: Float32Array }): { loss: number; grad: number } {
  const scale = Math.max(...a.grad.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  return { loss: Math.abs(a.loss - b.loss) / a.loss, grad: Math.max(...a.grad.map((v, i) => Math.abs(v - b.grad[i]!))) / scale };
}

export function describeChunkedHead(backend: "wasm" | "webgpu", skip?: string): void {
  let tf: typeof tfType;
  const dir = mkdtempSync(join(tmpdir(), "lora-studio-chunked-head-"));
  beforeAll(async () => {
    if (skip) return;
    ({ tf } = await initTfjs({ prefer: backend }));
    expect(tf.getBackend()).toBe(backend);
  });
  afterAll(async () => {
    if (backend !== "wasm") await releaseTfjs();
    rmSync(dir, { recursive: true, force: true });
  });

  describe.skipIf(skip)(`the head's loss over vocabulary chunks on ${backend}`, () => {
    it.each(Object.entries(SPECS))("%s: equals the whole-vocabulary loss and dHidden within 1e-5", async (name, spec) => {
      const model = await load(spec);
      try {
        expect(Boolean(model.weights.vocabSplit)).toBe(Boolean(spec.limit));
        const chunks = headChunks(model, CHUNK);
        expect(chunks.map((c) => c.count)).toEqual(spec.limit ? [64, 36, 64, 36, 64, 36, 1] : [64, 64, 64, 64, 45]);
        const whole = await lossAndGrad(tf, model, Infinity, 5);
        const chunked = await lossAndGrad(tf, model, CHUNK, 5);
        const error = compare(whole, chunked);
        console.info(`${backend}, ${name}: loss ${chunked.loss} vs ${whole.loss}; relative differences ${JSON.stringify(error)}`);
        expect(error.loss).toBeLessThanOrEqual(1e-5);
        expect(error.grad).toBeLessThanOrEqual(1e-5);
      } finally {
        model.dispose();
      }
    });

    it.each([
      ["a Q8_0 tied embedding", "tied"],
      ["an F16 untied output head", "untied"],
    ] as const)(`%s kept quantized${backend === "webgpu" ? " (read from its blocks on the GPU, no float32 copy)" : ""} gives the same loss, dHidden and logits as its float32 twin`, async (_, kind) => {
      const path =
        kind === "tied"
          ? (await makeTinyModel({ arch: "qwen2", preset: "tiny", dtype: "q8_0", seed: 2, out: join(dir, "q8.gguf") })).path
          : await writeMixedQuantModel(dir, "untied", { untiedF16Head: true });
      const file = await openGguf(path);
      const quantized = await LlamaModel.load(file, { keepQuantized: true });
      const twin = await LlamaModel.load(file);
      await file.close();
      try {
        const vocab = twin.config.vocabSize;
        const whole = await lossAndGrad(tf, twin, Infinity, 7);
        const chunked = await lossAndGrad(tf, quantized, Math.ceil(vocab / 4.1), 7); // four chunks and a short one
        if (backend === "webgpu") {
          expect(quantized.weights.output).toBeUndefined();
          const blocks = kind === "tied" ? quantized.weights.quantized!.tokenEmbd : quantized.weights.quantized!.output!;
          expect(blocks.gpu).toBeDefined();
        }
        const error = compare(whole, chunked);
        const h = tf.tensor2d(Float32Array.from({ length: 3 * twin.config.nEmbd }, (_, i) => Math.sin(i)), [3, twin.config.nEmbd]);
        const [a, b] = [twin.head(h), quantized.head(h)];
        const logits = compare({ loss: 1, grad: (await a.data()) as Float32Array }, { loss: 1, grad: (await b.data()) as Float32Array }).grad;
        tf.dispose([h, a, b]);
        console.info(`${backend}, ${kind} head kept quantized, chunked: relative differences ${JSON.stringify({ ...error, logits })}`);
        expect(error.loss).toBeLessThanOrEqual(1e-5);
        expect(error.grad).toBeLessThanOrEqual(1e-5);
        expect(logits).toBeLessThanOrEqual(1e-5);
      } finally {
        quantized.dispose();
        twin.dispose();
      }
    });

    it("peak memory scales with the chunk, not the vocabulary", async () => {
      const model = await load({ ...base, arch: "llama", vocab: 4096, tied: false });
      try {
        const peak = async (chunkRows: number) => {
          await lossAndGrad(tf, model, chunkRows, 3); // warm-up: shader compilation, cached constants
          const before = tf.memory().numBytes;
          const info = await tf.profile(() => lossAndGrad(tf, model, chunkRows, 3));
          return info.peakBytes - before;
        };
        const whole = await peak(Infinity);
        const small = await peak(256);
        const large = await peak(1024);
        console.info(`${backend}, [${ROWS} rows, vocab 4096, width 16]: peak bytes above the model: whole vocabulary ${whole}, chunks of 1024 ${large}, chunks of 256 ${small}`);
        // The whole-vocabulary op holds [rows, 4096] logits (and exp) at once: ~377 KB each here.
        expect(small).toBeLessThan(whole / 4);
        expect(large).toBeLessThan(whole / 1.5);
        expect(small).toBeLessThan(large);
      } finally {
        model.dispose();
      }
    });
  });
}
