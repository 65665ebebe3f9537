/**
 * A base kept quantized (LoadWeightsOptions.keepQuantized / TrainConfig.quantizedBase) computes exactly what
 * the default F32-tensor path computes, logits, loss and LoRA gradients alike, with and without gradient
 * checkpointing, on a model mixing every type the engine reads; and it holds less memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { AdamW } from "../../../electron/engine/training/AdamW";
import { lossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { makeBatch, type Batch } from "../../../electron/engine/training/makeBatch";
import { Rng } from "../../../electron/engine/util/Rng";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { WasmLiveBytes } from "../../../bench/helpers/WasmLiveBytes";
import { writeMixedQuantModel } from "../../helpers/mixedQuantModel";

const dir = mkdtempSync(join(tmpdir(), "quantized-kept-"));

/** The small preset with mixed projection types (test/helpers/mixedQuantModel); `untied` adds an F16 output.weight. */
function mixedModel(name: string, untied: boolean): Promise<string> {
  return writeMixedQuantModel(dir, name, { seed: 6, embeddingType: GgmlType.Q8_0, untiedF16Head: untied });
}

async function load(path: string, keepQuantized: boolean): Promise<LlamaModel> {
  const file = await openGguf(path);
  return LlamaModel.load(file, { keepQuantized }).finally(() => file.close());
}

function batchFor(vocab: number, seqLen: number): Batch {
  const rng = new Rng(12);
  const seq = (n: number) => ({ tokens: Array.from({ length: n }, () => rng.nextUint32() % vocab), lossMask: Array.from({ length: n }, (_, i) => (i < 4 ? 0 : 1)) });
  return makeBatch([seq(seqLen + 1), seq(seqLen - 9)], seqLen);
}

async function gradients(model: LlamaModel, adapter: LoraAdapter, batch: Batch, gradientCheckpointing: boolean) {
  const rng = new Rng(3);
  const { loss, grads } = await lossAndGradients(model, adapter, batch, () => rng.nextUint32(), { gradientCheckpointing });
  const values: Record<string, number[]> = {};
  for (const [name, g] of Object.entries(grads)) values[name] = Array.from(await g.data());
  tf.dispose(Object.values(grads));
  return { loss, values };
}

beforeAll(async () => {
  await initTfjs({ prefer: "wasm" });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  { label: "tied head (embedding kept Q8_0)", untied: false },
  { label: "untied F16 head", untied: true },
])("keepQuantized, mixed Q4_K/Q5_K/Q6_K/Q4_0/Q8_0/BF16/F16 blocks, $label", ({ untied }) => {
  it("gives the same logits, loss and gradients as F32 tensors, with and without checkpointing", async () => {
    const path = await mixedModel(untied ? "untied" : "tied", untied);
    const plain = await load(path, false);
    const kept = await load(path, true);
    const adapter = LoraAdapter.create(plain.config, LoraConfigSchema.parse({ rank: 4, alpha: 8, dropout: 0.1, targets: ["q", "k", "v", "o", "gate", "up", "down"] }), 2);
    try {
      expect(kept.weights.layers).toHaveLength(0);
      expect(kept.weights.quantized?.layers).toHaveLength(plain.config.nLayer);
      expect(kept.config.tiedEmbeddings).toBe(!untied);
      // Non-zero B, so that A's gradients are not all zero.
      const w = await adapter.getWeights();
      const rng = new Rng(8);
      for (const t of Object.values(w)) for (let i = 0; i < t.values.length; i++) t.values[i] = (rng.float() * 2 - 1) * 0.3;
      adapter.setWeights(w);

      const tokens = [Array.from({ length: 24 }, (_, i) => (i * 37 + 5) % plain.config.vocabSize)];
      const [a, b] = [plain.forward(tokens), kept.forward(tokens)];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);

      const batch = batchFor(plain.config.vocabSize, 40);
      const reference = await gradients(plain, adapter, batch, false);
      expect(Object.values(reference.values).some((g) => g.some((v) => v !== 0))).toBe(true);
      for (const checkpointing of [false, true]) expect(await gradients(kept, adapter, batch, checkpointing)).toEqual(reference);
    } finally {
      adapter.dispose();
      plain.dispose();
      kept.dispose();
    }
  });
});

describe("keepQuantized resources", () => {
  it("keeps the tensor count across steps, frees everything on dispose, and holds less memory (small preset, Q8_0)", async () => {
    const path = join(dir, "small-q8.gguf");
    await makeTinyModel({ arch: "llama", preset: "small", dtype: "q8_0", out: path, seed: 2 });
    const start = tf.memory().numTensors;
    const meter = WasmLiveBytes.attach();
    try {
      const measure = async (keepQuantized: boolean, gradientCheckpointing: boolean) => {
        const before = meter.live;
        const model = await load(path, keepQuantized);
        const resident = meter.live - before;
        const adapter = LoraAdapter.create(model.config, LoraConfigSchema.parse({ rank: 8, dropout: 0, targets: ["q", "v"] }), 1);
        const optimizer = new AdamW(adapter.variables());
        const batch = batchFor(model.config.vocabSize, 128);
        const counts: number[] = [];
        meter.resetPeak();
        for (let step = 0; step < 3; step++) {
          const { grads } = await lossAndGradients(model, adapter, batch, undefined, { gradientCheckpointing });
          optimizer.apply(grads, 1e-3);
          tf.dispose(Object.values(grads));
          counts.push(tf.memory().numTensors);
        }
        const peak = meter.peak - before;
        optimizer.dispose();
        adapter.dispose();
        model.dispose();
        expect(new Set(counts).size).toBe(1);
        return { residentMiB: resident / 2 ** 20, peakMiB: peak / 2 ** 20 };
      };
      const f32 = await measure(false, false);
      const kept = await measure(true, false);
      const keptCkpt = await measure(true, true);
      console.info(`small preset Q8_0, seq 128 x 2, tensor MiB (resident after load / peak during steps): F32 ${JSON.stringify(f32)}, kept ${JSON.stringify(kept)}, kept + checkpointing ${JSON.stringify(keptCkpt)}`);
      expect(kept.residentMiB).toBeLessThan(f32.residentMiB * 0.5);
      expect(kept.peakMiB).toBeLessThan(f32.peakMiB);
      expect(keptCkpt.peakMiB).toBeLessThan(kept.peakMiB);
    } finally {
      meter.detach();
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});
