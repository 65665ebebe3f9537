/**
 * Gradient checkpointing (lossAndGradients with gradientCheckpointing, i.e. checkpointedHidden) computes the
 * same loss and LoRA gradients as the plain taped forward, dropout masks included, leaves no tensors behind,
 * and holds less tensor memory at its peak.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel, type TinyArch } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../../../electron/engine/gguf/tiny/presets";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { AdamW } from "../../../electron/engine/training/AdamW";
import { lossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { makeBatch, type Batch } from "../../../electron/engine/training/makeBatch";
import { Rng } from "../../../electron/engine/util/Rng";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { WasmLiveBytes } from "../../../bench/helpers/WasmLiveBytes";

const dir = mkdtempSync(join(tmpdir(), "checkpointing-"));
const models = new Map<string, LlamaModel>();

beforeAll(async () => {
  await initTfjs({ prefer: "wasm" });
});
afterAll(() => {
  for (const m of models.values()) m.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function model(arch: TinyArch, preset: PresetName): Promise<LlamaModel> {
  const key = `${arch}-${preset}`;
  const hit = models.get(key);
  if (hit) return hit;
  const path = join(dir, `${key}.gguf`);
  await makeTinyModel({ arch, preset, out: path, seed: 3 });
  const file = await openGguf(path);
  const m = await LlamaModel.load(file).finally(() => file.close());
  models.set(key, m);
  return m;
}

/** Two sequences of different lengths (padding), with prompt tokens masked out of the loss. */
function batchFor(vocab: number, seqLen: number, seed: number): Batch {
  const rng = new Rng(seed);
  const seq = (n: number, prompt: number) => ({
    tokens: Array.from({ length: n }, () => rng.nextUint32() % vocab),
    lossMask: Array.from({ length: n }, (_, i) => (i < prompt ? 0 : 1)),
  });
  return makeBatch([seq(seqLen + 1, 5), seq(Math.floor(seqLen / 2), 3)], seqLen);
}

/** An adapter with random non-zero A and B (with B = 0 every A gradient is exactly 0). */
async function randomAdapter(m: LlamaModel, targets: ("q" | "k" | "v" | "o" | "gate" | "up" | "down")[], dropout: number): Promise<LoraAdapter> {
  const adapter = LoraAdapter.create(m.config, LoraConfigSchema.parse({ rank: 4, alpha: 8, dropout, targets }), 11);
  const rng = new Rng(5);
  const weights = await adapter.getWeights();
  for (const w of Object.values(weights)) for (let i = 0; i < w.values.length; i++) w.values[i] = (rng.float() * 2 - 1) * 0.2;
  adapter.setWeights(weights);
  return adapter;
}

async function values(grads: Record<string, tf.Tensor>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, g] of Object.entries(grads)) out.set(name, (await g.data()) as Float32Array);
  tf.dispose(Object.values(grads));
  return out;
}

const CASES: { arch: TinyArch; preset: PresetName; seqLen: number }[] = [
  { arch: "llama", preset: "tiny", seqLen: 48 },
  { arch: "qwen3", preset: "tiny", seqLen: 32 },
  { arch: "llama", preset: "small", seqLen: 64 },
];

describe.each(CASES)("gradient checkpointing on $arch $preset", ({ arch, preset, seqLen }) => {
  it("gives the same loss and gradients as the taped forward, with dropout on", async () => {
    const m = await model(arch, preset);
    const adapter = await randomAdapter(m, ["q", "k", "v", "o", "gate", "up", "down"], 0.1);
    try {
      const batch = batchFor(m.config.vocabSize, seqLen, 21);
      const plainRng = new Rng(99);
      const ckptRng = new Rng(99);
      const plain = await lossAndGradients(m, adapter, batch, () => plainRng.nextUint32());
      const ckpt = await lossAndGradients(m, adapter, batch, () => ckptRng.nextUint32(), { gradientCheckpointing: true });
      // The same seeds were drawn, as many and in the same order.
      expect(ckptRng.state()).toEqual(plainRng.state());
      expect(Math.abs(ckpt.loss - plain.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(plain.loss));
      const a = await values(plain.grads);
      const b = await values(ckpt.grads);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      let worst = 0;
      for (const [name, ga] of a) {
        const gb = b.get(name)!;
        let scale = 0;
        let diff = 0;
        for (let i = 0; i < ga.length; i++) {
          scale = Math.max(scale, Math.abs(ga[i]!));
          diff = Math.max(diff, Math.abs(ga[i]! - gb[i]!));
        }
        expect(scale).toBeGreaterThan(0);
        worst = Math.max(worst, diff / scale);
      }
      console.info(`${arch} ${preset}: loss ${plain.loss}, worst relative gradient difference ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-6);

      // Without dropout too (no seeds drawn at all).
      const noDrop = await lossAndGradients(m, adapter, batch);
      const noDropCkpt = await lossAndGradients(m, adapter, batch, undefined, { gradientCheckpointing: true });
      expect(Math.abs(noDropCkpt.loss - noDrop.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(noDrop.loss));
      tf.dispose([...Object.values(noDrop.grads), ...Object.values(noDropCkpt.grads)]);
    } finally {
      adapter.dispose();
    }
  });
});

describe("transposed weight copies (LoadWeightsOptions.transposedCopies)", () => {
  it("give the same gradients as transposing in the backward pass, untied head included", async () => {
    const path = join(dir, "untied.gguf");
    await makeTinyModel({ arch: "llama", preset: "w576-4l-v4k", out: path, seed: 1 });
    const file = await openGguf(path);
    const plain = await LlamaModel.load(file);
    const copies = await LlamaModel.load(file, { transposedCopies: true });
    await file.close();
    const adapter = await randomAdapter(plain, ["q", "v", "down"], 0);
    try {
      expect(plain.config.tiedEmbeddings).toBe(false);
      expect(copies.weights.outputT).toBeDefined();
      expect(copies.weights.layers[0]!.proj.up.wT).toBeDefined();
      const batch = batchFor(plain.config.vocabSize, 32, 2);
      const a = await lossAndGradients(plain, adapter, batch);
      const b = await lossAndGradients(copies, adapter, batch);
      expect(b.loss).toBe(a.loss);
      expect(await values(b.grads)).toEqual(await values(a.grads));
    } finally {
      adapter.dispose();
      plain.dispose();
      copies.dispose();
    }
  });
});

describe("gradient checkpointing resources", () => {
  it("leaves the tensor count unchanged across optimizer steps", async () => {
    const m = await model("llama", "tiny");
    const adapter = await randomAdapter(m, ["q", "v", "down"], 0.05);
    const optimizer = new AdamW(adapter.variables());
    const rng = new Rng(1);
    const batch = batchFor(m.config.vocabSize, 32, 4);
    try {
      const counts: number[] = [];
      for (let step = 0; step < 4; step++) {
        const { grads } = await lossAndGradients(m, adapter, batch, () => rng.nextUint32(), { gradientCheckpointing: true });
        optimizer.apply(grads, 1e-3);
        tf.dispose(Object.values(grads));
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts).size).toBe(1);
    } finally {
      optimizer.dispose();
      adapter.dispose();
    }
  });

  it("holds less tensor memory at its peak (small preset, seq 256)", async () => {
    const m = await model("llama", "small");
    const adapter = await randomAdapter(m, ["q", "v"], 0);
    const batch = batchFor(m.config.vocabSize, 256, 8);
    const meter = WasmLiveBytes.attach();
    try {
      const peak = async (checkpointing: boolean) => {
        meter.resetPeak();
        const before = meter.live;
        const { grads } = await lossAndGradients(m, adapter, batch, undefined, { gradientCheckpointing: checkpointing });
        tf.dispose(Object.values(grads));
        return meter.peak - before;
      };
      await peak(false); // warm-up: RoPE tables and masks of this length are cached on first use
      const plain = await peak(false);
      const ckpt = await peak(true);
      console.info(`peak tensor bytes above the model, small preset, seq 256: plain ${(plain / 2 ** 20).toFixed(1)} MiB, checkpointed ${(ckpt / 2 ** 20).toFixed(1)} MiB`);
      expect(ckpt).toBeLessThan(plain * 0.75);
    } finally {
      meter.detach();
      adapter.dispose();
    }
  });
});
