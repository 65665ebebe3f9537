/**
 * LoRA gradients of the training loss (lossAndGradients: tfjs float32 on wasm or webgpu) against an independent float64
 * reference (test/helpers/referenceModel.ts: forward + LoRA + masked cross-entropy in plain loops). In float64,
 * central differences are accurate (eps 1e-6: truncation ~1e-12, rounding ~1e-10), so they judge the float32
 * gradients: a few entries of every A and B, and a directional derivative along a random direction over all
 * adapter parameters at once. The batch has two sequences of different lengths (right padding), prompt tokens
 * masked out of the loss, and one sequence longer than seqLen + 1 (truncated).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema, type LoraConfig } from "../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { lossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { makeBatch, type TrainingSequence } from "../../../electron/engine/training/makeBatch";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { REFERENCE_PROJECTIONS, referenceMaskedLoss, referenceProjectionShape, type ReferenceLora, type ReferenceProjection } from "../../helpers/referenceModel";
import { randomModel, seededRandom, type RandomModelSpec } from "../model/randomModel";

const TOLERANCE = 1e-3;
const EPS = 1e-6;
const ENTRIES_PER_TENSOR = 3;
const SEQ_LEN = 10;
const ALL: ReferenceProjection[] = ["q", "k", "v", "o", "gate", "up", "down"];

const SPECS: Record<string, RandomModelSpec> = {
  llama: {
    arch: "llama", nLayer: 2, nEmbd: 16, nHead: 4, nHeadKv: 2, headDim: 4, nFf: 24, vocab: 29, nRot: 4,
    ropeBase: 10000, rmsEps: 1e-5, tied: false,
  },
  qwen2: {
    arch: "qwen2", nLayer: 2, nEmbd: 16, nHead: 4, nHeadKv: 2, headDim: 4, nFf: 20, vocab: 31, nRot: 4,
    ropeBase: 1000, rmsEps: 1e-6, tied: true, qkvBias: true,
  },
  qwen3: {
    arch: "qwen3", nLayer: 2, nEmbd: 16, nHead: 4, nHeadKv: 2, headDim: 8, nFf: 24, vocab: 27, nRot: 8,
    ropeBase: 1000000, rmsEps: 1e-6, tied: false, qkNorm: true,
  },
};

interface Case {
  label: string;
  spec: RandomModelSpec;
  lora: Partial<LoraConfig>;
}

const CASES: Case[] = [
  { label: "llama (GQA, NORM RoPE), all seven targets", spec: SPECS.llama!, lora: { rank: 3, alpha: 5, targets: [...ALL] } },
  { label: "qwen2 (q/k/v biases, tied head), all seven targets", spec: SPECS.qwen2!, lora: { rank: 3, alpha: 5, targets: [...ALL] } },
  { label: "qwen3 (q/k norm), all seven targets", spec: SPECS.qwen3!, lora: { rank: 3, alpha: 5, targets: [...ALL] } },
  {
    label: "llama, q/v/down targets, rsLoRA, per-layer ranks",
    spec: SPECS.llama!,
    lora: { rank: 4, alpha: 3, targets: ["q", "v", "down"], rslora: true, layerRanks: { "1": 2 } },
  },
];

/**
 * The suite on one backend: wasm (gradients.test.ts) or webgpu (webgpuGradients.test.ts, on SwiftShader); `skip`
 * says why it cannot run here.
 */
export function describeLoraGradients(backend: "wasm" | "webgpu", skip?: string): void {
  const measured: Record<string, { lossRel: number; maxEntryRel: number; directionalRel: number; entries: number }> = {};

  beforeAll(async () => {
    if (skip) return;
    const init = await initTfjs({ prefer: backend });
    expect(init.tf.getBackend()).toBe(backend);
  });
  afterAll(async () => {
    if (backend !== "wasm") await releaseTfjs();
    if (!skip) console.info(`LoRA gradients on ${backend}, tfjs float32 vs float64 central differences (relative errors):\n${JSON.stringify(measured, null, 1)}`);
  });

  /** Two sequences: one longer than SEQ_LEN + 1 (truncated), one shorter (padded); prompts masked out. */
  function sequences(vocab: number): TrainingSequence[] {
    const rng = seededRandom(77);
    const tok = (n: number) => Array.from({ length: n }, () => Math.floor(rng.uniform() * vocab));
    return [
      { tokens: tok(13), lossMask: [0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1] },
      { tokens: tok(7), lossMask: [0, 0, 0, 1, 1, 1, 1] },
    ];
  }

  describe.skipIf(skip).each(CASES)(`LoRA gradients on ${backend} vs float64: $label`, ({ label, spec, lora }) => {
    it("agree entry-wise and along a random direction", async () => {
      const m = randomModel(spec, 4321);
      const model = await LlamaModel.load(m.source);
      const config = LoraConfigSchema.parse({ ...lora, dropout: 0 });
      const adapter = LoraAdapter.create(model.config, config, 9);
      try {
        // Random non-zero A and B: with B = 0 the gradient of every A is exactly 0.
        const rng = seededRandom(5);
        const weights = await adapter.getWeights();
        for (const w of Object.values(weights)) for (let i = 0; i < w.values.length; i++) w.values[i] = rng.normal() * 0.3;
        adapter.setWeights(weights);

        // The reference LoRA: float64 copies of exactly the float32 values, scales from the config's formula.
        const names = Object.keys(weights).filter((n) => n.endsWith(".lora_a")).map((n) => n.slice(0, -".lora_a".length));
        expect(names).toHaveLength(spec.nLayer * config.targets.length);
        const params = new Map<string, Float64Array>(Object.entries(weights).map(([n, w]) => [n, Float64Array.from(w.values)]));
        const layout = names.map((base) => {
          const [, layer, stem] = /^blk\.(\d+)\.(\w+)\.weight$/.exec(base)!;
          const proj = ALL.find((p) => REFERENCE_PROJECTIONS[p] === stem)!;
          const r = config.layerRanks[layer!] ?? config.rank;
          const { inDim, outDim } = referenceProjectionShape(spec, proj);
          expect(weights[`${base}.lora_a`]!.shape).toEqual([inDim, r]);
          expect(weights[`${base}.lora_b`]!.shape).toEqual([r, outDim]);
          return { base, key: `${layer}.${proj}`, r, scale: config.rslora ? config.alpha / Math.sqrt(r) : config.alpha / r };
        });
        const seqs = sequences(spec.vocab);
        const refLoss = (p: ReadonlyMap<string, Float64Array>) => {
          const pairs: ReferenceLora = new Map(layout.map((l) => [l.key, { a: p.get(`${l.base}.lora_a`)!, b: p.get(`${l.base}.lora_b`)!, r: l.r, scale: l.scale }]));
          return referenceMaskedLoss(spec, m.tensors, seqs, SEQ_LEN, pairs);
        };

        // tfjs: loss and gradients of the same batch.
        const batch = makeBatch(seqs, SEQ_LEN);
        expect(batch.truncated).toBe(1);
        const { loss, grads } = await lossAndGradients(model, adapter, batch);
        const got = new Map<string, Float32Array>();
        for (const [name, g] of Object.entries(grads)) {
          expect(g.shape).toEqual(weights[name]!.shape);
          got.set(name, (await g.data()) as Float32Array);
          g.dispose();
        }
        expect([...got.keys()].sort()).toEqual([...params.keys()].sort());

        const loss64 = refLoss(params);
        const lossRel = Math.abs(loss - loss64) / loss64;
        expect(lossRel).toBeLessThan(1e-5);

        // Entry-wise: the tensor's largest entry and random others; the denominator is floored at a tenth of
        // the tensor's largest entry so that an entry near zero (by cancellation) is judged on the tensor's scale.
        let maxEntryRel = 0;
        let entries = 0;
        for (const [name, g] of got) {
          const p = params.get(name)!;
          let argmax = 0;
          for (let i = 1; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[argmax]!)) argmax = i;
          const largest = Math.abs(g[argmax]!);
          expect(largest, `gradient of ${name} is all zero`).toBeGreaterThan(1e-6);
          const picks = [argmax, ...Array.from({ length: ENTRIES_PER_TENSOR - 1 }, () => Math.floor(rng.uniform() * g.length))];
          for (const i of picks) {
            const keep = p[i]!;
            p[i] = keep + EPS;
            const plus = refLoss(params);
            p[i] = keep - EPS;
            const minus = refLoss(params);
            p[i] = keep;
            const want = (plus - minus) / (2 * EPS);
            const rel = Math.abs(g[i]! - want) / Math.max(Math.abs(want), 0.1 * largest);
            expect(rel, `${name}[${i}]: tfjs ${g[i]} vs float64 ${want}`).toBeLessThanOrEqual(TOLERANCE);
            maxEntryRel = Math.max(maxEntryRel, rel);
            entries++;
          }
        }

        // Directional derivative along a random unit direction u over every adapter parameter: (L(θ+εu) - L(θ-εu)) / 2ε vs g·u.
        const u = new Map([...params].map(([n, p]) => [n, Float64Array.from(p, () => rng.normal())]));
        let norm = 0;
        for (const d of u.values()) for (const v of d) norm += v * v;
        norm = Math.sqrt(norm);
        let gDotU = 0;
        for (const [n, d] of u) {
          const g = got.get(n)!;
          for (let i = 0; i < d.length; i++) gDotU += g[i]! * (d[i]! /= norm);
        }
        const shifted = (sign: number) => new Map([...params].map(([n, p]) => [n, p.map((v, i) => v + sign * EPS * u.get(n)![i]!)]));
        const directional = (refLoss(shifted(1)) - refLoss(shifted(-1))) / (2 * EPS);
        const directionalRel = Math.abs(gDotU - directional) / Math.abs(directional);
        expect(directionalRel).toBeLessThanOrEqual(TOLERANCE);

        measured[label] = { lossRel, maxEntryRel, directionalRel, entries };
      } finally {
        adapter.dispose();
        model.dispose();
      }
    });
  });
}
