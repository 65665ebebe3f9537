/**
 * The LoRA invariants of DESIGN.md, on generated tiny llama / qwen2 / qwen3 models and the wasm backend:
 * a new adapter (B = 0) leaves the logits bit-equal; a training step (lossAndGradients + AdamW) changes the
 * adapter's variables and nothing else; the trainable parameter count, the scale (alpha / r, rsLoRA's
 * alpha / sqrt(r)), per-layer ranks and dropout behave as configured.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as tfType from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel, type TinyArch } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { ModelShape } from "../../../electron/engine/gguf/tiny/presets";
import { LoraAdapter, type LoraWeights } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema, type LoraConfig } from "../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { weightTensors, type Projection } from "../../../electron/engine/model/ModelWeights";
import { AdamW } from "../../../electron/engine/training/AdamW";
import { lossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { makeBatch } from "../../../electron/engine/training/makeBatch";
import { Rng } from "../../../electron/engine/util/Rng";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { seededRandom } from "../model/randomModel";
import { projectionWidths } from "../../helpers/projectionWidths";

const ARCHS: TinyArch[] = ["llama", "qwen2", "qwen3"];
const ALL: Projection[] = ["q", "k", "v", "o", "gate", "up", "down"];

const dir = mkdtempSync(join(tmpdir(), "lora-studio-lora-invariants-"));
const models = new Map<TinyArch, { model: LlamaModel; shape: ModelShape }>();
let tf: typeof tfType;

beforeAll(async () => {
  ({ tf } = await initTfjs({ prefer: "wasm" }));
  for (const arch of ARCHS) {
    const out = join(dir, `${arch}.gguf`);
    const { shape } = await makeTinyModel({ arch, preset: "tiny", seed: 3, out });
    const file = await openGguf(out);
    const model = await LlamaModel.load(file).finally(() => file.close());
    models.set(arch, { model, shape });
  }
});
afterAll(() => {
  for (const { model } of models.values()) model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function lora(overrides: Partial<LoraConfig>): LoraConfig {
  return LoraConfigSchema.parse(overrides);
}

function tokens(rows: number, length: number, vocab: number, seed = 1): number[][] {
  const rng = seededRandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length }, () => Math.floor(rng.uniform() * vocab)));
}

/** Elements that differ (0 and -0 count as equal, NaN as different): 0 means bit-equal values. */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i])) n++;
  return n;
}

async function logits(model: LlamaModel, rows: number[][], hooks?: Parameters<LlamaModel["forward"]>[1]): Promise<Float32Array> {
  const t = model.forward(rows, hooks);
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

/** Random non-zero values for every A and B. */
function randomize(adapter: LoraAdapter, seed: number, std = 0.2): LoraWeights {
  const rng = seededRandom(seed);
  const w: LoraWeights = {};
  for (const [name, v] of adapter.variables()) w[name] = { shape: v.shape, values: Float32Array.from({ length: v.size }, () => rng.normal() * std) };
  adapter.setWeights(w);
  return w;
}


describe.each(ARCHS)("LoRA invariants: %s", (arch) => {
  it("B = 0 gives bit-equal logits and logprobs, with and without dropout", async () => {
    const { model } = models.get(arch)!;
    const adapter = LoraAdapter.create(model.config, lora({ rank: 4, targets: [...ALL], dropout: 0.2 }), 1);
    try {
      const rows = tokens(2, 12, model.config.vocabSize);
      const base = await logits(model, rows);
      expect(differing(base, await logits(model, rows, adapter.hooks()))).toBe(0);
      const rng = new Rng(5);
      expect(differing(base, await logits(model, rows, adapter.hooks({ dropoutSeed: () => rng.nextUint32() })))).toBe(0);
      expect(differing(await model.logprobs(rows[0]!), await model.logprobs(rows[0]!, adapter.hooks()))).toBe(0);
      // ...and a non-zero B does change them (so the comparison above can fail).
      randomize(adapter, 2);
      expect(differing(base, await logits(model, rows, adapter.hooks()))).toBeGreaterThan(0);
    } finally {
      adapter.dispose();
    }
  });

  it("a training step changes only the adapter's A and B; base weights stay bit-equal", async () => {
    const { model } = models.get(arch)!;
    const adapter = LoraAdapter.create(model.config, lora({ rank: 4, targets: [...ALL], dropout: 0 }), 7);
    const optimizer = new AdamW(adapter.variables(), { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 });
    try {
      // The frozen weights are plain tensors: the only trainable variables in the process are the adapter's.
      const ours = new Set([...adapter.variables().values()].map((v) => v.name));
      const trainable = Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).map((v) => v.name);
      expect(trainable.sort()).toEqual([...ours].sort());
      const baseTensors = weightTensors(model.weights);
      for (const t of baseTensors) expect(t instanceof tf.Variable).toBe(false);
      const baseBefore = await Promise.all(baseTensors.map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
      const before = await adapter.getWeights();

      const rng = seededRandom(11);
      const sequences = [0, 1].map(() => {
        const toks = Array.from({ length: 14 }, () => Math.floor(rng.uniform() * model.config.vocabSize));
        return { tokens: toks, lossMask: toks.map((_, i) => (i >= 5 ? 1 : 0)) };
      });
      sequences[1]!.tokens.length = sequences[1]!.lossMask.length = 9; // a padded row
      const batch = makeBatch(sequences, 32);
      const lr = 0.01;

      const step1 = await lossAndGradients(model, adapter, batch);
      expect(Object.keys(step1.grads).sort()).toEqual([...adapter.variables().keys()].sort());
      // With B = 0 no gradient reaches A: dL/dA = x^T (dL/dy) B^T = 0 exactly; B's gradient is not zero.
      for (const [name, g] of Object.entries(step1.grads)) {
        const values = (await g.data()) as Float32Array;
        const nonZero = values.some((v) => v !== 0);
        expect(nonZero, `gradient of ${name}`).toBe(name.endsWith(".lora_b"));
      }
      optimizer.apply(step1.grads, lr);
      tf.dispose(Object.values(step1.grads));
      const after1 = await adapter.getWeights();
      for (const [name, w] of Object.entries(after1)) {
        if (name.endsWith(".lora_b")) {
          expect(w.values.every((v) => v !== 0), `every entry of ${name} moved off zero`).toBe(true);
        } else {
          // A moved by decoupled weight decay only: A * (1 - lr * wd).
          const want = before[name]!.values.map((v) => v * (1 - lr * 0.1));
          for (let i = 0; i < want.length; i++) expect(Math.abs(w.values[i]! - want[i]!)).toBeLessThanOrEqual(3e-7 * Math.abs(want[i]!) + 1e-12);
        }
      }

      // (Measured from here: the first forward of a length caches that length's RoPE tables and mask.)
      const tensorsBefore = tf.memory().numTensors;
      const step2 = await lossAndGradients(model, adapter, batch);
      optimizer.apply(step2.grads, lr);
      tf.dispose(Object.values(step2.grads));
      const after2 = await adapter.getWeights();
      for (const [name, w] of Object.entries(after2)) {
        const decayedOnly = after1[name]!.values.map((v) => v * (1 - lr * 0.1));
        expect(differing(w.values, decayedOnly), `${name} changed by its gradient`).toBeGreaterThan(w.values.length / 2);
      }
      // Nothing leaked by a step: gradients and intermediates were all freed.
      expect(tf.memory().numTensors).toBe(tensorsBefore);

      const baseAfter = await Promise.all(baseTensors.map(async (t) => (await t.data()) as Float32Array));
      baseAfter.forEach((data, i) => expect(differing(data, baseBefore[i]!), `base tensor ${i}`).toBe(0));
    } finally {
      optimizer.dispose();
      adapter.dispose();
    }
  });
});

describe("LoRA shapes and scales", () => {
  it("trainable parameters = sum over layers and targets of r * (in + out), with per-layer ranks", () => {
    const { model, shape } = models.get("qwen2")!;
    for (const config of [
      lora({ rank: 8, targets: [...ALL] }),
      lora({ rank: 4, targets: ["q", "v"] }),
      lora({ rank: 3, targets: ["k", "o", "down"], layerRanks: { "0": 2, "1": 6 } }),
    ]) {
      const adapter = LoraAdapter.create(model.config, config, 1);
      try {
        let want = 0;
        for (let layer = 0; layer < shape.layers; layer++) {
          const r = config.layerRanks[String(layer)] ?? config.rank;
          for (const proj of config.targets) {
            const [inDim, outDim] = projectionWidths(shape, proj);
            want += r * (inDim + outDim);
          }
        }
        expect(adapter.trainableParameters()).toBe(want);
        expect([...adapter.variables().values()].reduce((n, v) => n + v.size, 0)).toBe(want);
        expect(adapter.variables().size).toBe(2 * shape.layers * config.targets.length);
      } finally {
        adapter.dispose();
      }
    }
  });

  it("per-layer ranks give A [in, r_l] and B [r_l, out], B starting at zero, A Kaiming-uniform", async () => {
    const { model, shape } = models.get("llama")!;
    const config = lora({ rank: 4, targets: ["q", "k", "down"], layerRanks: { "0": 2, "1": 6 } });
    const adapter = LoraAdapter.create(model.config, config, 1);
    try {
      const w = await adapter.getWeights();
      const stems: Record<string, Projection> = { attn_q: "q", attn_k: "k", ffn_down: "down" };
      for (const layer of [0, 1]) {
        const r = layer === 0 ? 2 : 6;
        for (const [stem, proj] of Object.entries(stems)) {
          const [inDim, outDim] = projectionWidths(shape, proj);
          const a = w[`blk.${layer}.${stem}.weight.lora_a`]!;
          const b = w[`blk.${layer}.${stem}.weight.lora_b`]!;
          expect(a.shape).toEqual([inDim, r]);
          expect(b.shape).toEqual([r, outDim]);
          expect(b.values.every((v) => v === 0)).toBe(true);
          const bound = 1 / Math.sqrt(inDim);
          expect(a.values.every((v) => Math.abs(v) <= bound)).toBe(true);
          expect(Math.max(...a.values.map(Math.abs))).toBeGreaterThan(0.5 * bound);
        }
      }
      expect(Object.keys(w)).toHaveLength(12);
    } finally {
      adapter.dispose();
    }
  });

  it("the hook adds scale * x A B with scale alpha / r, or alpha / sqrt(r) with rsLoRA", async () => {
    const { model, shape } = models.get("qwen3")!;
    const x = tf.tensor2d(Float32Array.from({ length: 5 * shape.dim }, (_, i) => Math.sin(i)), [5, shape.dim]);
    try {
      for (const rslora of [false, true]) {
        const config = lora({ rank: 4, alpha: 12, targets: ["v", "gate"], rslora, layerRanks: { "1": 9 } });
        const adapter = LoraAdapter.create(model.config, config, 1);
        try {
          const weights = randomize(adapter, 3);
          const hooks = adapter.hooks();
          for (const [layer, r] of [[0, 4], [1, 9]] as const) {
            const scale = rslora ? 12 / Math.sqrt(r) : 12 / r;
            expect(adapter.pairs.find((p) => p.layer === layer && p.proj === "v")!.scale).toBeCloseTo(scale, 12);
            const [inDim, outDim] = projectionWidths(shape, "v");
            const base = tf.zeros([5, outDim]) as tfType.Tensor2D;
            const out = hooks(layer, "v", x, base);
            const got = (await out.data()) as Float32Array;
            tf.dispose([base, out]);
            const xs = x.dataSync();
            const a = weights[`blk.${layer}.attn_v.weight.lora_a`]!.values;
            const b = weights[`blk.${layer}.attn_v.weight.lora_b`]!.values;
            for (let t = 0; t < 5; t++) {
              for (let o = 0; o < outDim; o++) {
                let s = 0;
                for (let k = 0; k < r; k++) {
                  let xa = 0;
                  for (let i = 0; i < inDim; i++) xa += xs[t * inDim + i]! * a[i * r + k]!;
                  s += xa * b[k * outDim + o]!;
                }
                expect(Math.abs(got[t * outDim + o]! - scale * s)).toBeLessThan(1e-4 * (1 + Math.abs(scale * s)));
              }
            }
          }
        } finally {
          adapter.dispose();
        }
      }
    } finally {
      x.dispose();
    }
  });
});

describe("LoRA dropout", () => {
  it("no seed: deterministic, no dropout; with a seed: same seed, same output; rate 0: no effect", async () => {
    const { model } = models.get("llama")!;
    const targets: Projection[] = ["q", "v", "up"];
    const dropped = LoraAdapter.create(model.config, lora({ rank: 4, targets, dropout: 0.3 }), 1);
    const plain = LoraAdapter.create(model.config, lora({ rank: 4, targets, dropout: 0 }), 1);
    try {
      plain.setWeights(randomize(dropped, 4, 0.5));
      const rows = tokens(1, 10, model.config.vocabSize);
      const reference = await logits(model, rows, plain.hooks());
      // No dropoutSeed (inference, validation): no dropout at all, whatever the configured rate.
      expect(differing(await logits(model, rows, dropped.hooks()), reference)).toBe(0);
      expect(differing(await logits(model, rows, dropped.hooks()), reference)).toBe(0);
      // Rate 0 with a seed: still no dropout.
      const r0 = new Rng(1);
      expect(differing(await logits(model, rows, plain.hooks({ dropoutSeed: () => r0.nextUint32() })), reference)).toBe(0);

      // Rate > 0 with seeds: one seed per adapted projection per forward; same seeds, same output.
      const run = async (seed: number) => {
        const rng = new Rng(seed);
        let calls = 0;
        const out = await logits(model, rows, dropped.hooks({ dropoutSeed: () => (calls++, rng.nextUint32()) }));
        return { out, calls };
      };
      const first = await run(21);
      const again = await run(21);
      const other = await run(22);
      expect(first.calls).toBe(model.config.nLayer * targets.length);
      expect(differing(first.out, again.out)).toBe(0);
      expect(differing(first.out, reference)).toBeGreaterThan(0);
      expect(differing(first.out, other.out)).toBeGreaterThan(0);
    } finally {
      dropped.dispose();
      plain.dispose();
    }
  });
});
