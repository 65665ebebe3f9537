/**
 * AdamW against a float64 transcription of torch.optim.AdamW's single-tensor step (amsgrad off):
 *   param *= 1 - lr * weight_decay
 *   exp_avg = beta1 * exp_avg + (1 - beta1) * grad
 *   exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad^2
 *   denom = sqrt(exp_avg_sq) / sqrt(1 - beta2^step) + eps
 *   param -= lr / (1 - beta1^step) * exp_avg / denom
 */
import type * as tfType from "@tensorflow/tfjs-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdamW, DEFAULT_ADAMW, type AdamWConfig } from "../../../electron/engine/training/AdamW";
import { initTfjs } from "../../../native-deps/tfjsBackend";

let tf: typeof tfType;
beforeAll(async () => {
  // Note: through initTfjs, as the engine runs: AdamW uses chained ops (m.mul(...)), which tfjs-core alone
  // does not register in Node.
  ({ tf } = await initTfjs({ prefer: "wasm" }));
});

const made: tfType.Variable[] = [];
afterEach(() => {
  for (const v of made.splice(0)) v.dispose();
});

/** Three steps of gradients for two parameters (a vector and a matrix), with signs, zeros and tiny values. */
const P0: Record<string, { shape: number[]; values: number[] }> = {
  "w.lora_a": { shape: [2, 3], values: [0.5, -1.25, 2, 0, -0.001, 3] },
  "w.lora_b": { shape: [4], values: [1, -1, 0.25, -0.75] },
};
const GRADS: Record<string, number[]>[] = [
  { "w.lora_a": [0.1, -0.2, 0.3, 0, 1e-4, -2], "w.lora_b": [1, -0.5, 0, 3e-3] },
  { "w.lora_a": [-0.3, 0.2, 0.1, 0.5, -1e-4, 1], "w.lora_b": [-2, 0.5, 0, 1e-3] },
  { "w.lora_a": [0.05, 0.05, -0.4, -0.5, 2e-4, 0.5], "w.lora_b": [0.5, 0.5, 1e-5, -4e-3] },
];
const LRS = [0.1, 0.05, 0.02];

function variables(): Map<string, tfType.Variable> {
  const vars = new Map<string, tfType.Variable>();
  tf.tidy(() => {
    for (const [name, p] of Object.entries(P0)) {
      const v = tf.variable(tf.tensor(p.values, p.shape), true, `${name}-${made.length}`);
      made.push(v);
      vars.set(name, v);
    }
  });
  return vars;
}

/** torch.optim.AdamW's formulas in float64, for all steps; returns each step's parameters. */
function pytorchAdamW(c: AdamWConfig): Record<string, number[]>[] {
  const p = Object.fromEntries(Object.entries(P0).map(([n, v]) => [n, [...v.values]]));
  const m = Object.fromEntries(Object.keys(P0).map((n) => [n, P0[n]!.values.map(() => 0)]));
  const v = Object.fromEntries(Object.keys(P0).map((n) => [n, P0[n]!.values.map(() => 0)]));
  const out: Record<string, number[]>[] = [];
  GRADS.forEach((grads, s) => {
    const step = s + 1;
    const lr = LRS[s]!;
    for (const name of Object.keys(P0)) {
      const g = grads[name]!;
      const param = p[name]!;
      for (let i = 0; i < param.length; i++) {
        param[i]! *= 1 - lr * c.weightDecay;
        m[name]![i] = c.beta1 * m[name]![i]! + (1 - c.beta1) * g[i]!;
        v[name]![i] = c.beta2 * v[name]![i]! + (1 - c.beta2) * g[i]! ** 2;
        const denom = Math.sqrt(v[name]![i]!) / Math.sqrt(1 - c.beta2 ** step) + c.eps;
        param[i]! -= (lr / (1 - c.beta1 ** step)) * (m[name]![i]! / denom);
      }
    }
    out.push(Object.fromEntries(Object.entries(p).map(([n, a]) => [n, [...a]])));
  });
  return out;
}

async function step(opt: AdamW, vars: Map<string, tfType.Variable>, s: number): Promise<Record<string, Float32Array>> {
  const grads = tf.tidy(() => Object.fromEntries(Object.entries(GRADS[s]!).map(([n, g]) => [n, tf.tensor(g, P0[n]!.shape)])));
  opt.apply(grads, LRS[s]!);
  tf.dispose(Object.values(grads));
  const out: Record<string, Float32Array> = {};
  for (const [n, v] of vars) out[n] = (await v.data()) as Float32Array;
  return out;
}

describe("AdamW", () => {
  const configs: [string, AdamWConfig][] = [
    ["defaults (wd 0.01)", DEFAULT_ADAMW],
    // Strong decay makes the decoupled p *= 1 - lr*wd (vs L2 in the gradient) visible; a large eps with tiny
    // gradients makes its place (outside the square root, after bias correction) visible.
    ["wd 0.5, eps 1e-3, beta2 0.9", { beta1: 0.8, beta2: 0.9, eps: 1e-3, weightDecay: 0.5 }],
    ["no weight decay", { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }],
  ];
  it.each(configs)("matches PyTorch's AdamW for 3 steps: %s", async (_label, c) => {
    const want = pytorchAdamW(c);
    const vars = variables();
    const opt = new AdamW(vars, c);
    try {
      for (let s = 0; s < 3; s++) {
        const got = await step(opt, vars, s);
        expect(opt.stepCount).toBe(s + 1);
        for (const name of Object.keys(P0)) {
          const w = want[s]![name]!;
          got[name]!.forEach((g, i) => expect(Math.abs(g - w[i]!), `step ${s + 1} ${name}[${i}]: ${g} vs ${w[i]}`).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(w[i]!))));
        }
      }
    } finally {
      opt.dispose();
    }
  });

  it("getState / setState: a restored optimizer continues identically", async () => {
    const c: AdamWConfig = { beta1: 0.8, beta2: 0.9, eps: 1e-3, weightDecay: 0.5 };
    // The uninterrupted run: three steps, with a checkpoint (parameters + optimizer state) after the second.
    const varsA = variables();
    const a = new AdamW(varsA, c);
    let state: Awaited<ReturnType<AdamW["getState"]>>;
    const saved: Record<string, Float32Array> = {};
    let third: Record<string, Float32Array>;
    try {
      await step(a, varsA, 0);
      await step(a, varsA, 1);
      state = structuredClone(await a.getState());
      for (const [n, v] of varsA) saved[n] = Float32Array.from((await v.data()) as Float32Array);
      third = await step(a, varsA, 2);
    } finally {
      a.dispose();
    }
    expect(state.step).toBe(2);
    expect(Object.keys(state.moments).sort()).toEqual(Object.keys(P0).sort());
    expect(state.moments["w.lora_b"]!.m.some((v) => v !== 0)).toBe(true);

    // The resumed run: fresh parameters set to the checkpoint, a fresh optimizer given the saved state...
    const varsB = variables();
    for (const [n, v] of varsB) v.assign(tf.tensor(saved[n]!, v.shape));
    const b = new AdamW(varsB, c);
    try {
      b.setState(state);
      expect(b.stepCount).toBe(2);
      expect(await b.getState()).toEqual(state);
      // ...takes exactly the step the original took (bias correction uses the restored step count).
      const resumed = await step(b, varsB, 2);
      for (const n of Object.keys(P0)) expect(Array.from(resumed[n]!)).toEqual(Array.from(third[n]!));
    } finally {
      b.dispose();
    }
  });

  // Two adapters with the same target layout (an A/B comparison, two runs in one test process), or a Trainer
  // constructed again after a failed resume, hold optimizers over parameters with the same names at once.
  it("two optimizers over parameters with the same names coexist", () => {
    const first = new AdamW(variables());
    try {
      const second = new AdamW(variables());
      second.dispose();
    } finally {
      first.dispose();
    }
  });

  it("names the missing gradient and the missing moments", () => {
    const vars = variables();
    const opt = new AdamW(vars);
    try {
      const g = tf.zeros([2, 3]);
      expect(() => opt.apply({ "w.lora_a": g }, 0.1)).toThrow(/w\.lora_b/);
      g.dispose();
      expect(() => opt.setState({ step: 1, moments: {} })).toThrow(/w\.lora_a/);
    } finally {
      opt.dispose();
    }
  });
});
