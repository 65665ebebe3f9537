import type * as tfcore from "@tensorflow/tfjs-core";
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initTfjs } from "../../native-deps/tfjsBackend";
import { configureNativeMatMul, fastBatchMatMul, registerFastWasmKernels, registerStockWasmKernels, stockWasmKernels } from "../../native-deps/wasmKernels";
import { seededTensors } from "../helpers/seededTensors";

let tf: typeof tfcore;
let backend: { readSync(id: object): Float32Array; disposeData(id: object): boolean; wasm: { HEAPU8: Uint8Array } };
let stock: KernelFunc;

beforeAll(async () => {
  const init = await initTfjs({ prefer: "wasm" });
  tf = init.tf;
  backend = tf.backend() as never;
  stock = stockWasmKernels(tf).batchMatMul.kernelFunc;
  // This file proves the XNNPACK path bit for bit; the MLAS path has its own tests (nativeMatmul.test.ts).
  configureNativeMatMul({ enabled: false, reconfigure: true });
});

const nextTensor = seededTensors(12345);
const random = (shape: number[]): tfcore.Tensor => nextTensor(tf, shape);

/** Runs a BatchMatMul kernel directly (no engine, no registry) and returns its data and shape. */
function runKernel(fn: KernelFunc, a: tfcore.Tensor, b: tfcore.Tensor, transposeA: boolean, transposeB: boolean) {
  const out = fn({ inputs: { a, b }, backend: backend as never, attrs: { transposeA, transposeB } }) as TensorInfo;
  const data = backend.readSync(out.dataId).slice();
  backend.disposeData(out.dataId);
  return { data, shape: out.shape };
}

const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
const sameBits = (x: Float32Array, y: Float32Array) => x.length === y.length && bytes(x).equals(bytes(y));

/** The stored layout of an operand whose logical matrix is rows x cols. */
const stored = (outer: number[], rows: number, cols: number, transposed: boolean) => (transposed ? [...outer, cols, rows] : [...outer, rows, cols]);

/**
 * The product as stock computes it on XNNPACK (its only fast path: 2-D, non-transposed, batch 1), applied to
 * explicitly transposed and broadcast operands, one batch entry at a time.
 */
function stockXnnReference(a: tfcore.Tensor, b: tfcore.Tensor, ta: boolean, tb: boolean): Float32Array {
  return tf.tidy(() => {
    const a2 = ta ? tf.transpose(a, [...a.shape.keys()].map((d, _, all) => (d < all.length - 2 ? d : 2 * all.length - 3 - d))) : a;
    const b2 = tb ? tf.transpose(b, [...b.shape.keys()].map((d, _, all) => (d < all.length - 2 ? d : 2 * all.length - 3 - d))) : b;
    const [m, k] = a2.shape.slice(-2);
    const n = b2.shape[b2.shape.length - 1];
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const aFull = tf.reshape(tf.broadcastTo(a2, [...outer, m, k]), [-1, m, k]);
    const bFull = tf.reshape(tf.broadcastTo(b2, [...outer, k, n]), [-1, k, n]);
    const parts: Float32Array[] = [];
    for (let i = 0; i < aFull.shape[0]; i++) {
      const ai = tf.reshape(tf.slice(aFull, [i, 0, 0], [1, m, k]), [m, k]);
      const bi = tf.reshape(tf.slice(bFull, [i, 0, 0], [1, k, n]), [k, n]);
      parts.push(runKernel(stock, ai, bi, false, false).data);
    }
    const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
    return all;
  });
}

/**
 * float32 emulation of a 2-D product summing over k in blocks of `block`: each block from 0, then the block sums
 * in order. block = Infinity is a plain sequential sum.
 */
function emulate(a: Float32Array, b: Float32Array, m: number, k: number, n: number, block: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k0 = 0; k0 < k; k0 += block) {
        let sum = 0;
        for (let kk = k0; kk < Math.min(k, k0 + block); kk++) sum = f(sum + f(a[i * k + kk] * b[kk * n + j]));
        acc = f(acc + sum);
      }
      out[i * n + j] = acc;
    }
  }
  return out;
}

/** Largest difference relative to the largest magnitude: per-element ratios explode where sums cancel to ~0. */
function relativeDifference(x: Float32Array, y: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / scale;
}

interface Case {
  outerA: number[];
  outerB: number[];
  m: number;
  k: number;
  n: number;
}
// Shapes: scalars, odd sizes, the K = 48/49 boundary of stock's blocked loop, M = 1, a projection-sized
// product, batched rank 3, rank 4 with broadcast batch dims, shared weights across a batch.
const table: Case[] = [
  { outerA: [], outerB: [], m: 1, k: 1, n: 1 },
  { outerA: [], outerB: [], m: 3, k: 5, n: 7 },
  { outerA: [], outerB: [], m: 17, k: 48, n: 33 },
  { outerA: [], outerB: [], m: 17, k: 49, n: 33 },
  { outerA: [], outerB: [], m: 31, k: 97, n: 13 },
  { outerA: [], outerB: [], m: 1, k: 576, n: 1536 },
  { outerA: [], outerB: [], m: 64, k: 576, n: 1536 },
  { outerA: [2], outerB: [2], m: 8, k: 40, n: 9 },
  { outerA: [9], outerB: [9], m: 32, k: 64, n: 32 },
  { outerA: [3], outerB: [3], m: 1, k: 70, n: 1 },
  { outerA: [2, 3], outerB: [1, 3], m: 5, k: 7, n: 6 },
  { outerA: [2, 3], outerB: [1, 3], m: 6, k: 50, n: 4 },
  { outerA: [1, 3], outerB: [2, 3], m: 4, k: 9, n: 5 },
  { outerA: [4], outerB: [], m: 6, k: 24, n: 10 },
  { outerA: [4], outerB: [1], m: 6, k: 80, n: 10 },
  { outerA: [], outerB: [3], m: 7, k: 12, n: 5 },
];
/** Stock's scalar loop sums k in blocks of 48 (kBlockSize in batch_mat_mul_impl.cc); XNNPACK sums k in order. */
const STOCK_BLOCK = 48;

describe("fast wasm BatchMatMul vs stock", () => {
  for (const c of table) {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const name = `[${c.outerA}|${c.m}x${c.k}] x [${c.outerB}|${c.k}x${c.n}] tA=${ta} tB=${tb}`;
      it(name, () => {
        const a = random(stored(c.outerA, c.m, c.k, ta));
        const b = random(stored(c.outerB, c.k, c.n, tb));
        const s = runKernel(stock, a, b, ta, tb);
        const f = runKernel(fastBatchMatMul, a, b, ta, tb);
        expect(f.shape).toEqual(s.shape);
        // What the fast kernel is by construction, and exactly: XNNPACK on explicitly transposed operands.
        expect(sameBits(f.data, stockXnnReference(a, b, ta, tb))).toBe(true);
        const stockUsesXnn = !ta && !tb && c.outerA.every((d) => d === 1) && c.outerB.every((d) => d === 1);
        if (stockUsesXnn || c.k <= STOCK_BLOCK + 1) {
          // Same path, or a blocked sum that equals the sequential one: ((0 + S0) + p48) = sequential for k <= 49.
          expect(sameBits(f.data, s.data)).toBe(true);
        } else {
          // Note: here stock's scalar loop sums k in blocks of 48 and adds the block sums, XNNPACK sums k in order;
          // float32 rounding then differs in the last bits. The emulations prove which order each kernel uses.
          expect(relativeDifference(f.data, s.data)).toBeLessThan(1e-5);
          if (c.outerA.length === 0 && c.outerB.length === 0 && c.m * c.k * c.n <= 2_000_000) {
            const [a2, b2] = tf.tidy(() => [ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b].map((t) => t.dataSync() as Float32Array));
            expect(sameBits(s.data, emulate(a2, b2, c.m, c.k, c.n, STOCK_BLOCK))).toBe(true);
            expect(sameBits(f.data, emulate(a2, b2, c.m, c.k, c.n, Infinity))).toBe(true);
          }
        }
        tf.dispose([a, b]);
      });
    }
  }

  it("broadcasts batch dims like NumPy where stock's flat modulo indexing does not", () => {
    // [2,1] x [1,2] -> [2,2]: stock allocates max(2, 2) = 2 batch entries for a 4-entry shape; [3,2] x [3,1]
    // pairs entries by flat index modulo 3. tfjs-core's gradient for BatchMatMul assumes true broadcasting.
    for (const [outerA, outerB] of [[[2, 1], [1, 2]], [[3, 2], [3, 1]]]) {
      const a = random([...outerA, 3, 4]);
      const b = random([...outerB, 4, 5]);
      const f = runKernel(fastBatchMatMul, a, b, false, false);
      const s = runKernel(stock, a, b, false, false);
      const reference = stockXnnReference(a, b, false, false);
      expect(f.shape).toEqual([...outerA.map((d, i) => Math.max(d, outerB[i])), 3, 5]);
      expect(sameBits(f.data, reference)).toBe(true);
      expect(sameBits(s.data, reference)).toBe(false); // stock 4.22 is wrong here
      tf.dispose([a, b]);
    }
  });

  it("does not reuse XNNPACK's packed weights for a reshaped weight (stock does, and returns wrong values)", () => {
    registerFastWasmKernels(tf);
    tf.tidy(() => {
      const w = tf.tensor(Array.from({ length: 24 }, (_, i) => i), [6, 4]);
      tf.matMul(tf.ones([1, 6]), w).dataSync();
      const w2 = tf.reshape(w, [4, 6]);
      expect(Array.from(tf.matMul(tf.ones([1, 4]), w2).dataSync())).toEqual([36, 40, 44, 48, 52, 56]);
    });
  });
});

describe("gradients through matMul", () => {
  function grads(mode: "stock" | "fast", shapes: [number[], number[]], ta: boolean, tb: boolean): Float32Array[] {
    if (mode === "stock") registerStockWasmKernels(tf);
    else registerFastWasmKernels(tf);
    const fresh = seededTensors(99); // the same inputs for stock and fast
    const a = fresh(tf, shapes[0]);
    const b = fresh(tf, shapes[1]);
    const f = (x: tfcore.Tensor, y: tfcore.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), tf.sin(tf.matMul(x, y, ta, tb))));
    const [ga, gb] = tf.grads(f)([a, b]);
    const out = [ga.dataSync().slice() as Float32Array, gb.dataSync().slice() as Float32Array];
    tf.dispose([a, b, ga, gb]);
    registerFastWasmKernels(tf);
    return out;
  }

  // Note: tfjs-core 4.22's BatchMatMul gradient rejects broadcast batch dims on every backend ("The gradient of
  // input 'b' has shape ..."), so gradients are compared on matching batch dims only.
  const small: [[number[], number[]], boolean, boolean][] = [
    [[[5, 7], [7, 6]], false, false],
    [[[7, 5], [6, 7]], true, true],
    [[[2, 3, 5, 40], [2, 3, 40, 6]], false, false],
    [[[4, 12, 9], [4, 12, 9]], true, false],
    [[[3, 8, 16], [3, 8, 16]], false, true],
  ];
  for (const [shapes, ta, tb] of small) {
    it(`are bit-identical to stock for ${JSON.stringify(shapes)} tA=${ta} tB=${tb} (every contraction <= 49)`, () => {
      const s = grads("stock", shapes, ta, tb);
      const f = grads("fast", shapes, ta, tb);
      expect(sameBits(f[0], s[0]) && sameBits(f[1], s[1])).toBe(true);
    });
  }

  it("agree with stock to float32 rounding for LoRA-sized products (contractions of 256 and 576)", () => {
    const s = grads("stock", [[256, 576], [576, 96]], false, false);
    const f = grads("fast", [[256, 576], [576, 96]], false, false);
    for (const i of [0, 1]) {
      expect(relativeDifference(f[i], s[i])).toBeLessThan(1e-5);
    }
  });
});

describe("fast wasm Identity", () => {
  it("shares the data instead of copying it", () => {
    registerFastWasmKernels(tf);
    const x = random([512, 512]);
    const heap = backend.wasm.HEAPU8.buffer.byteLength;
    const clones = Array.from({ length: 100 }, () => tf.clone(x)); // 100 MB if each were copied
    expect(backend.wasm.HEAPU8.buffer.byteLength).toBe(heap);
    expect(clones.every((c) => c.dataId === x.dataId)).toBe(true);
    const expected = x.dataSync().slice();
    x.dispose();
    expect(sameBits(clones[99].dataSync() as Float32Array, expected as Float32Array)).toBe(true);
    tf.dispose(clones);
    expect(tf.clone(tf.tensor(["a", "b"])).dataSync()).toEqual(["a", "b"]);
  });
});

describe("memory", () => {
  it("keeps tensor count and wasm heap constant over 50 training-like steps", () => {
    registerFastWasmKernels(tf);
    const x = random([128, 96]);
    const w = random([96, 160]);
    const target = random([1, 128, 160]);
    const loraA = tf.variable(random([96, 8]));
    const loraB = tf.variable(tf.mul(random([8, 160]), 0.1));
    const optimizer = tf.train.sgd(0.01);
    const counts: number[] = [];
    const heaps: number[] = [];
    for (let step = 0; step < 50; step++) {
      const { value, grads } = tf.variableGrads(() => {
        const h = tf.add(tf.matMul(x, w), tf.matMul(tf.matMul(x, loraA), loraB));
        const q = tf.reshape(h, [1, 128, 4, 40]);
        const qh = tf.transpose(q, [0, 2, 1, 3]);
        const scores = tf.matMul(qh, qh, false, true); // batched, transposed: attention-shaped
        const mixed = tf.matMul(tf.softmax(scores), qh);
        const y = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [1, 128, 160]);
        return tf.mean(tf.square(tf.sub(y, target)));
      }, [loraA, loraB]);
      optimizer.applyGradients(grads);
      value.dispose();
      tf.dispose(Object.values(grads));
      counts.push(tf.memory().numTensors);
      heaps.push(backend.wasm.HEAPU8.buffer.byteLength);
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(heaps[49]).toBe(heaps[4]);
    tf.dispose([x, w, target, loraA, loraB]);
    optimizer.dispose();
  });

  it("frees the XNNPACK operators packed for temporary operands (wasm heap constant over 200 calls)", () => {
    registerFastWasmKernels(tf);
    const a = random([4, 384]);
    const b = random([512, 384]); // each call packs a 768 KB copy of b's transpose
    const bBatched = random([2, 384, 256]);
    const aBatched = random([2, 4, 384]);
    const heaps: number[] = [];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) {
      tf.matMul(a, b, false, true).dispose();
      tf.matMul(aBatched, bBatched).dispose();
      heaps.push(backend.wasm.HEAPU8.buffer.byteLength);
    }
    expect(heaps[199]).toBe(heaps[9]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, aBatched, bBatched]);
  });
});
