import type * as tfcore from "@tensorflow/tfjs-core";
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrtMatMul } from "../../native-deps/nativeMatmul/OrtMatMul";
import { matMulModelBytes } from "../../native-deps/nativeMatmul/matMulModelBytes";
import { configureNativeMatMul, MIN_NATIVE_FLOPS, nativeMatMulFor, nativeMatMulState } from "../../native-deps/nativeMatmul/nativeMatMul";
import { initTfjs } from "../../native-deps/tfjsBackend";
import { fastBatchMatMul } from "../../native-deps/wasmKernels";
import { LoraAdapter } from "../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../electron/engine/model/LlamaModel";
import { lossAndGradients } from "../../electron/engine/training/lossAndGradients";
import { makeBatch } from "../../electron/engine/training/makeBatch";
import { randomModel, seededRandom } from "../engine/model/randomModel";
import { seededTensors } from "../helpers/seededTensors";

let tf: typeof tfcore;
let backend: { readSync(id: object): Float32Array; disposeData(id: object): boolean; wasm: { HEAPU8: Uint8Array } };
const absent = (() => {
  try {
    OrtMatMul.load({ threads: 1 }).dispose();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
})();
if (absent) console.warn(`nativeMatmul tests skipped: ${absent}`);

beforeAll(async () => {
  const init = await initTfjs({ prefer: "wasm" });
  tf = init.tf;
  backend = tf.backend() as never;
});
afterAll(() => {
  configureNativeMatMul({ reconfigure: true });
});

const nextTensor = seededTensors(4242);
const random = (shape: number[]): tfcore.Tensor => nextTensor(tf, shape);

function runKernel(a: tfcore.Tensor, b: tfcore.Tensor, transposeA: boolean, transposeB: boolean) {
  const out = fastBatchMatMul({ inputs: { a, b }, backend: backend as never, attrs: { transposeA, transposeB } }) as TensorInfo;
  const data = backend.readSync(out.dataId).slice();
  backend.disposeData(out.dataId);
  return { data, shape: out.shape };
}

/** The product in float64, with NumPy broadcasting of the batch dims. */
function reference(a: tfcore.Tensor, b: tfcore.Tensor, ta: boolean, tb: boolean): { data: Float64Array; shape: number[] } {
  const ad = a.dataSync();
  const bd = b.dataSync();
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const size = outer.reduce((x, y) => x * y, 1);
  const out = new Float64Array(size * m * n);
  const flat = (dims: number[], coord: number[]) => {
    const pad = coord.length - dims.length;
    return dims.reduce((index, d, i) => index * d + (d === 1 ? 0 : coord[i + pad]), 0);
  };
  for (let o = 0; o < size; o++) {
    const coord: number[] = [];
    for (let rest = o, d = outer.length - 1; d >= 0; d--) {
      coord.unshift(rest % outer[d]);
      rest = Math.floor(rest / outer[d]);
    }
    const aBase = flat(a.shape.slice(0, -2), coord) * ar * ac;
    const bBase = flat(b.shape.slice(0, -2), coord) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let kk = 0; kk < k; kk++) sum += ad[aBase + (ta ? kk * ac + i : i * ac + kk)] * bd[bBase + (tb ? j * bc + kk : kk * bc + j)];
        out[(o * m + i) * n + j] = sum;
      }
    }
  }
  return { data: out, shape: [...outer, m, n] };
}

function relativeDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / scale;
}

describe.skipIf(absent !== undefined)("MLAS matmul (onnxruntime-node) in the wasm BatchMatMul", () => {
  it("writes a valid one-node ONNX model for every rank and transpose pattern", () => {
    const bytes = matMulModelBytes({ rankA: 3, rankB: 2, transposeA: true, transposeB: false });
    expect(new TextDecoder().decode(bytes)).toContain("FusedMatMul");
    expect(() => matMulModelBytes({ rankA: 1, rankB: 2, transposeA: false, transposeB: false })).toThrow(/rank >= 2/);
    const ort = OrtMatMul.load({ threads: 1 });
    // [2,3]^T x [2,2]: a 3x2 result, computed by hand.
    const out = new Float32Array(6);
    ort.run({ rankA: 2, rankB: 2, transposeA: true, transposeB: false }, new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], new Float32Array([1, 0, 1, 1]), [2, 2], out, [3, 2]);
    expect(Array.from(out)).toEqual([5, 4, 7, 5, 9, 6]);
    ort.dispose();
  });

  const cases: { a: number[]; b: number[] }[] = [
    { a: [256, 576], b: [576, 1536] }, // a projection
    { a: [64, 96], b: [96, 700] },
    { a: [9, 256, 64], b: [9, 64, 256] }, // attention
    { a: [2, 3, 64, 96], b: [1, 3, 96, 80] }, // broadcast batch dims
    { a: [4, 100, 80], b: [80, 120] }, // rank 3 x rank 2: a shared weight
    { a: [200, 90], b: [3, 90, 70] },
  ];
  for (const threads of [1, 2]) {
    for (const c of cases) {
      for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        it(`${threads} thread(s): [${c.a}] x [${c.b}] tA=${ta} tB=${tb} equals float64 to float32 rounding`, () => {
          configureNativeMatMul({ threads, reconfigure: true });
          const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s.at(-1)!, s.at(-2)!] : s);
          const a = random(swap(c.a, ta));
          const b = random(swap(c.b, tb));
          const flops = 2 * c.a.at(-2)! * c.a.at(-1)! * c.b.at(-1)! * Math.max(c.a.slice(0, -2).reduce((x, y) => x * y, 1), c.b.slice(0, -2).reduce((x, y) => x * y, 1));
          expect(nativeMatMulFor(flops)).toBeDefined(); // this product goes to MLAS
          const f = runKernel(a, b, ta, tb);
          const r = reference(a, b, ta, tb);
          expect(f.shape).toEqual(r.shape);
          expect(relativeDifference(f.data, r.data)).toBeLessThan(2e-6);
          // And the XNNPACK path agrees with it to float32 reordering.
          configureNativeMatMul({ enabled: false, reconfigure: true });
          expect(relativeDifference(runKernel(a, b, ta, tb).data, f.data)).toBeLessThan(2e-6);
          tf.dispose([a, b]);
        });
      }
    }
  }

  it("leaves products below MIN_NATIVE_FLOPS to XNNPACK, and turns off on request", () => {
    expect(configureNativeMatMul({ threads: 1, reconfigure: true }).active).toBe(true);
    expect(nativeMatMulFor(MIN_NATIVE_FLOPS - 1)).toBeUndefined();
    expect(nativeMatMulFor(MIN_NATIVE_FLOPS)).toBeDefined();
    const off = configureNativeMatMul({ enabled: false, reconfigure: true });
    expect(off.active).toBe(false);
    expect(off.reason).toMatch(/turned off/);
    expect(nativeMatMulFor(1e12)).toBeUndefined();
    // A bad thread count leaves training on XNNPACK and says why; it never throws into the trainer.
    expect(configureNativeMatMul({ threads: 0, reconfigure: true }).reason).toMatch(/threads must be an integer >= 1, got 0/);
    expect(nativeMatMulFor(1e12)).toBeUndefined();
  });

  it("reads LORA_STUDIO_TRAIN_THREADS and names a bad value", () => {
    const before = process.env.LORA_STUDIO_TRAIN_THREADS;
    try {
      process.env.LORA_STUDIO_TRAIN_THREADS = "2";
      expect(configureNativeMatMul({ reconfigure: true }).threads).toBe(2);
      expect(nativeMatMulState()?.reason).toMatch(/MLAS\), 2 threads/);
      process.env.LORA_STUDIO_TRAIN_THREADS = "two";
      expect(() => configureNativeMatMul({ reconfigure: true })).toThrow(/LORA_STUDIO_TRAIN_THREADS=two is not a thread count/);
    } finally {
      if (before === undefined) delete process.env.LORA_STUDIO_TRAIN_THREADS;
      else process.env.LORA_STUDIO_TRAIN_THREADS = before;
    }
  });

  it("keeps tensor count and wasm heap constant over 100 native products with gradients", () => {
    configureNativeMatMul({ threads: 2, reconfigure: true });
    const x = random([256, 300]);
    const w = random([300, 400]);
    const lora = tf.variable(random([300, 8]));
    const optimizer = tf.train.sgd(0.01);
    const counts: number[] = [];
    const heaps: number[] = [];
    for (let step = 0; step < 100; step++) {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.add(tf.matMul(x, w), tf.matMul(tf.matMul(x, lora), tf.ones([8, 400]))))), [lora]);
      optimizer.applyGradients(grads);
      value.dispose();
      tf.dispose(Object.values(grads));
      counts.push(tf.memory().numTensors);
      heaps.push(backend.wasm.HEAPU8.buffer.byteLength);
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(heaps[99]).toBe(heaps[4]);
    tf.dispose([x, w, lora]);
    optimizer.dispose();
  });

  it("gives the training loss and LoRA gradients of the XNNPACK path to float32 reordering (every product on MLAS)", async () => {
    const spec = { arch: "llama", nLayer: 2, nEmbd: 64, nHead: 4, nHeadKv: 2, headDim: 16, nFf: 160, vocab: 97, nRot: 16, ropeBase: 10000, rmsEps: 1e-5, tied: false } as const;
    const model = await LlamaModel.load(randomModel(spec, 77).source);
    const adapter = LoraAdapter.create(model.config, LoraConfigSchema.parse({ rank: 4, alpha: 8, dropout: 0, targets: ["q", "k", "v", "o", "gate", "up", "down"] }), 3);
    const rng = seededRandom(11);
    const weights = await adapter.getWeights();
    for (const w of Object.values(weights)) for (let i = 0; i < w.values.length; i++) w.values[i] = rng.normal() * 0.2;
    adapter.setWeights(weights);
    const tokens = Array.from({ length: 40 }, (_, i) => (i * 31 + 7) % spec.vocab);
    const batch = makeBatch([{ tokens, lossMask: tokens.map((_, i) => (i < 5 ? 0 : 1)) }, { tokens: tokens.slice(3, 30), lossMask: tokens.slice(3, 30).map(() => 1) }], 32);
    const run = async (native: boolean) => {
      configureNativeMatMul({ enabled: native, threads: 2, minFlops: 0, reconfigure: true });
      const { loss, grads } = await lossAndGradients(model, adapter, batch);
      const out = new Map<string, Float32Array>();
      for (const [name, g] of Object.entries(grads)) {
        out.set(name, (await g.data()) as Float32Array);
        g.dispose();
      }
      return { loss, grads: out };
    };
    const xnn = await run(false);
    const mlas = await run(true);
    expect(Math.abs(mlas.loss - xnn.loss) / xnn.loss).toBeLessThan(1e-6);
    expect([...mlas.grads.keys()].sort()).toEqual([...xnn.grads.keys()].sort());
    for (const [name, g] of xnn.grads) expect(relativeDifference(mlas.grads.get(name)!, g), name).toBeLessThan(1e-4);
    adapter.dispose();
    model.dispose();
  });

  it("falls back to XNNPACK for good when a native product fails, with the product named", () => {
    configureNativeMatMul({ threads: 1, reconfigure: true });
    const a = random([128, 256]);
    const b = random([256, 300]);
    const expected = runKernel(a, b, false, false).data;
    const original = OrtMatMul.prototype.run;
    OrtMatMul.prototype.run = () => {
      throw new Error("simulated native failure");
    };
    try {
      const got = runKernel(a, b, false, false);
      expect(relativeDifference(got.data, expected)).toBeLessThan(2e-6);
      expect(nativeMatMulState()?.active).toBe(false);
      expect(nativeMatMulState()?.reason).toMatch(/failed on \[128,256\] x \[256,300\] and was turned off: simulated native failure/);
      expect(nativeMatMulFor(1e12)).toBeUndefined();
    } finally {
      OrtMatMul.prototype.run = original;
      tf.dispose([a, b]);
    }
  });
});
