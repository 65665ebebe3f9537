// GFLOP/s of the stock and fast wasm BatchMatMul on the products of a LoRA training step.
// Run: node --import tsx native-deps/bench/matmulBench.ts   (prints one JSON object)
import type * as tfcore from "@tensorflow/tfjs-core";
import { initTfjs } from "../tfjsBackend";
import { registerFastWasmKernels, registerStockWasmKernels } from "../wasmKernels/registerFastWasmKernels";

interface Product {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

// A projection stored as nn.Linear does ([out, in]): x[256,576] @ W[1536,576]^T, and its two backward products.
const products: Product[] = [
  { name: "forward x @ W^T", a: [256, 576], b: [1536, 576], transposeA: false, transposeB: true },
  { name: "backward dX = dY @ W", a: [256, 1536], b: [1536, 576], transposeA: false, transposeB: false },
  { name: "backward dW = dY^T @ x", a: [256, 1536], b: [256, 576], transposeA: true, transposeB: false },
  { name: "attention scores q @ k^T", a: [9, 256, 64], b: [9, 256, 64], transposeA: false, transposeB: true },
  { name: "attention [9,256,64] x [9,64,256]", a: [9, 256, 64], b: [9, 64, 256], transposeA: false, transposeB: false },
];

function flops(p: Product): number {
  const m = p.transposeA ? p.a.at(-1)! : p.a.at(-2)!;
  const k = p.transposeA ? p.a.at(-2)! : p.a.at(-1)!;
  const n = p.transposeB ? p.b.at(-2)! : p.b.at(-1)!;
  const batch = p.a.slice(0, -2).reduce((x, y) => x * y, 1);
  return 2 * batch * m * k * n;
}

/** Median seconds per call after one warm-up call (XNNPACK packs weights on first use). */
function time(tf: typeof tfcore, p: Product, budgetS: number): number {
  const a = tf.randomNormal(p.a);
  const b = tf.randomNormal(p.b);
  tf.matMul(a, b, p.transposeA, p.transposeB).dispose();
  const samples: number[] = [];
  const end = performance.now() + budgetS * 1000;
  while (samples.length < 3 || (performance.now() < end && samples.length < 20)) {
    const t0 = performance.now();
    tf.matMul(a, b, p.transposeA, p.transposeB).dispose();
    samples.push((performance.now() - t0) / 1000);
  }
  tf.dispose([a, b]);
  return samples.sort((x, y) => x - y)[samples.length >> 1];
}

const { tf, backend, threads } = await initTfjs({ prefer: "wasm" });
const rows = products.map((p) => {
  registerStockWasmKernels(tf);
  const stockS = time(tf, p, 2);
  registerFastWasmKernels(tf);
  const fastS = time(tf, p, 2);
  const gflop = flops(p) / 1e9;
  return {
    product: p.name,
    a: p.a,
    b: p.b,
    transposeA: p.transposeA,
    transposeB: p.transposeB,
    stockMs: +(stockS * 1000).toFixed(1),
    fastMs: +(fastS * 1000).toFixed(1),
    stockGflops: +(gflop / stockS).toFixed(2),
    fastGflops: +(gflop / fastS).toFixed(2),
    speedup: +(stockS / fastS).toFixed(1),
  };
});
console.log(JSON.stringify({ backend, threads, node: process.version, results: rows }));
