// GFLOP/s of the stock wasm BatchMatMul, the fast one on XNNPACK, and the fast one on MLAS (onnxruntime-node), on
// the products of a LoRA training step and small ones (the crossover: MIN_NATIVE_FLOPS).
// Run: node --import tsx native-deps/bench/matmulBench.ts [threads]   (prints one JSON object)
import type * as tfcore from "@tensorflow/tfjs-core";
import { initTfjs } from "../tfjsBackend";
import { configureNativeMatMul } from "../nativeMatmul/nativeMatMul";
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
  { name: "LoRA down x @ A^T", a: [256, 576], b: [8, 576], transposeA: false, transposeB: true },
  { name: "LoRA up h @ B^T", a: [256, 8], b: [576, 8], transposeA: false, transposeB: true },
  { name: "LoRA grad dA = g^T @ x", a: [256, 8], b: [256, 576], transposeA: true, transposeB: false },
  { name: "small 64x64x64", a: [64, 64], b: [64, 64], transposeA: false, transposeB: false },
  { name: "small 32x64x32", a: [32, 64], b: [32, 64], transposeA: false, transposeB: true },
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
const nativeThreads = Number(process.argv[2] ?? 1);
const rows = products.map((p) => {
  registerStockWasmKernels(tf);
  const stockS = time(tf, p, 1);
  registerFastWasmKernels(tf);
  configureNativeMatMul({ enabled: false, reconfigure: true });
  const fastS = time(tf, p, 1);
  const native = configureNativeMatMul({ threads: nativeThreads, minFlops: 0, reconfigure: true });
  // Every product to MLAS here, whatever its size, to find the crossover.
  const nativeS = native.active ? time(tf, p, 1) : NaN;
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
    nativeMs: +(nativeS * 1000).toFixed(2),
    nativeGflops: +(gflop / nativeS).toFixed(2),
    nativeOverFast: +(fastS / nativeS).toFixed(2),
  };
});
console.log(JSON.stringify({ backend, threads, nativeThreads, native: configureNativeMatMul().reason, node: process.version, results: rows }));
