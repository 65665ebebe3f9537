/**
 * native-deps/webgpu/quantizedMatMulProgram.ts: y = x @ W^T and dX = dY @ W computed on webgpu straight from a
 * frozen weight's GGUF blocks equal the same products on its dequantized float32 twin (tf.matMul on webgpu, and a
 * float64 sum in JavaScript) within 1e-4 relative, for every type the kernel reads, whole and for a window of rows
 * (a vocabulary chunk of the head); the custom-gradient op's gradient is the backward product; the GPU holds the
 * quantized bytes, not 4 bytes per weight. On SwiftShader: correctness only.
 */
import type * as tfType from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GgmlType, ggmlTypeName } from "../../electron/engine/gguf/ggmlType";
import { quantize } from "../../electron/engine/gguf/quantize";
import { frozenQuantizedMatMul, blocksMatMul, blocksMatMulT, onGpuBlocks } from "../../electron/engine/model/frozenQuantizedMatMul";
import { dequantizeMatrix, dequantizeTransposed, gpuBlocks, type QuantizedMatrix } from "../../electron/engine/model/QuantizedWeights";
import { Rng } from "../../electron/engine/util/Rng";
import { initTfjs, releaseTfjs } from "../../native-deps/tfjsBackend";
import { randomQuantizedBlocks } from "../helpers/mixedQuantModel";
import { useSwiftShader } from "./swiftShader";

const skip = useSwiftShader();
if (skip) console.info(`webgpu quantized matmul tests skipped: ${skip}`);
let tf: Awaited<ReturnType<typeof initTfjs>>["tf"];

beforeAll(async () => {
  if (skip) return;
  ({ tf } = await initTfjs({ prefer: "webgpu" }));
});
afterAll(() => releaseTfjs());

const IN = 512; // two K-quant super-blocks
const OUT = 40; // not a multiple of the 32-wide tile
const ROWS = 37;

function matrix(type: number, rng: Rng): QuantizedMatrix {
  const dims = [IN, OUT];
  const bytes = [GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K].includes(type as never)
    ? randomQuantizedBlocks(type, dims, rng)
    : quantize(type as never, Float32Array.from({ length: IN * OUT }, () => (rng.float() * 2 - 1) * 0.05));
  return { name: `w.${ggmlTypeName(type as never)}`, type: type as never, bytes, inDim: IN, outDim: OUT };
}

const random = (n: number, rng: Rng) => Float32Array.from({ length: n }, () => rng.float() * 2 - 1);

/** max |a - b| / max |b|. */
function relative(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

const TYPES = [GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32];

describe.skipIf(skip)("quantized matmul on webgpu", () => {
  it.each(TYPES.map((t) => [ggmlTypeName(t), t] as const))("%s: forward and backward equal the dequantized float32 twin within 1e-4", async (_, type) => {
    const rng = new Rng(type + 1);
    const m = matrix(type, rng);
    expect(onGpuBlocks(m)).toBe(true);
    // WebGPU reports validation errors (a bad binding, a shader that does not compile) only here; tfjs never asks.
    const device = (tf.backend() as unknown as { device: { pushErrorScope(f: string): void; popErrorScope(): Promise<{ message: string } | null> } }).device;
    device.pushErrorScope("validation");
    const w = dequantizeMatrix(m); // [OUT][IN]
    const x = tf.tensor2d(random(ROWS * IN, rng), [ROWS, IN]);
    const dy = tf.tensor2d(random(ROWS * OUT, rng), [ROWS, OUT]);
    const twin = dequantizeTransposed(m); // [OUT, IN] float32
    const results = [blocksMatMulT(x, m), tf.matMul(x, twin, false, true), blocksMatMul(dy, m), tf.matMul(dy, twin)];
    const [y, yTwin, dx, dxTwin] = (await Promise.all(results.map((t) => t.data()))) as Float32Array[];
    const xs = (await x.data()) as Float32Array;
    const dys = (await dy.data()) as Float32Array;
    // float64 references
    const y64 = new Float32Array(ROWS * OUT);
    const dx64 = new Float32Array(ROWS * IN);
    for (let r = 0; r < ROWS; r++) {
      for (let o = 0; o < OUT; o++) {
        let s = 0;
        for (let k = 0; k < IN; k++) s += xs[r * IN + k]! * w[o * IN + k]!;
        y64[r * OUT + o] = s;
      }
      for (let k = 0; k < IN; k++) {
        let s = 0;
        for (let o = 0; o < OUT; o++) s += dys[r * OUT + o]! * w[o * IN + k]!;
        dx64[r * IN + k] = s;
      }
    }
    const errors = { forward: relative(y!, yTwin!), backward: relative(dx!, dxTwin!), forward64: relative(y!, y64), backward64: relative(dx!, dx64) };
    console.info(`${ggmlTypeName(type)} from blocks vs float32 twin: ${JSON.stringify(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.toExponential(2)])))}`);
    expect((await device.popErrorScope())?.message).toBeUndefined();
    for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, dy, twin, ...results, ...m.gpu!.map((c) => c.blocks)]);
  });

  it("a window of rows (a vocabulary chunk) equals the same rows of the whole product", async () => {
    const rng = new Rng(9);
    const m = matrix(GgmlType.Q6_K, rng);
    const x = tf.tensor2d(random(5 * IN, rng), [5, IN]);
    const dy = tf.tensor2d(random(5 * 13, rng), [5, 13]);
    const twin = dequantizeTransposed(m);
    const window = tf.slice(twin, [21, 0], [13, IN]);
    const results = [blocksMatMulT(x, m, 21, 13), tf.matMul(x, window, false, true), blocksMatMul(dy, m, 21, 13), tf.matMul(dy, window)];
    const [y, yTwin, dx, dxTwin] = (await Promise.all(results.map((t) => t.data()))) as Float32Array[];
    expect(results[0]!.shape).toEqual([5, 13]);
    expect(results[2]!.shape).toEqual([5, IN]);
    expect(relative(y!, yTwin!)).toBeLessThanOrEqual(1e-4);
    expect(relative(dx!, dxTwin!)).toBeLessThanOrEqual(1e-4);
    expect(() => blocksMatMulT(x, m, 30, 13)).toThrow(/rows 30\.\.43 are outside its 40 rows/);
    tf.dispose([x, dy, twin, window, ...results, ...m.gpu!.map((c) => c.blocks)]);
  });

  it("blocks past the binding limit go up in row chunks; products and windows across chunks are the same", async () => {
    const rng = new Rng(11);
    const m = matrix(GgmlType.Q8_0, rng); // 34 bytes per 32 weights: 544 bytes a row
    process.env.LORA_STUDIO_MAX_BINDING_BYTES = String(7 * 544 + 100);
    try {
      expect(gpuBlocks(m).map((c) => [c.start, c.count])).toEqual([[0, 7], [7, 7], [14, 7], [21, 7], [28, 7], [35, 5]]);
    } finally {
      delete process.env.LORA_STUDIO_MAX_BINDING_BYTES;
    }
    const x = tf.tensor2d(random(3 * IN, rng), [3, IN]);
    const twin = dequantizeTransposed(m);
    const results: tfType.Tensor[] = [];
    for (const [offset, count] of [[0, OUT], [5, 17], [14, 7], [30, 10]] as const) {
      const dy = tf.tensor2d(random(3 * count, rng), [3, count]);
      const window = tf.slice(twin, [offset, 0], [count, IN]);
      const got = [blocksMatMulT(x, m, offset, count), tf.matMul(x, window, false, true), blocksMatMul(dy, m, offset, count), tf.matMul(dy, window)];
      const [y, yTwin, dx, dxTwin] = (await Promise.all(got.map((t) => t.data()))) as Float32Array[];
      expect(relative(y!, yTwin!), `forward rows ${offset}..${offset + count}`).toBeLessThanOrEqual(1e-4);
      expect(relative(dx!, dxTwin!), `backward rows ${offset}..${offset + count}`).toBeLessThanOrEqual(1e-4);
      results.push(dy, window, ...got);
    }
    tf.dispose([x, twin, ...results, ...m.gpu!.map((c) => c.blocks)]);
  });

  it("frozenQuantizedMatMul's gradient is dY @ W, and nothing stays behind but the uploaded blocks", async () => {
    const rng = new Rng(3);
    const m = matrix(GgmlType.Q4_K, rng);
    const x = tf.tensor2d(random(7 * IN, rng), [7, IN]);
    const c = tf.tensor2d(random(7 * OUT, rng), [7, OUT]);
    const twin = dequantizeTransposed(m);
    const before = tf.memory().numTensors;
    const g = tf.grad((v: tfType.Tensor) => tf.sum(tf.mul(frozenQuantizedMatMul(v as tfType.Tensor2D, m, () => tf.transpose(twin)), c)))(x);
    expect(tf.memory().numTensors).toBe(before + 2); // the gradient and the blocks
    const ref = tf.matMul(c, twin);
    expect(relative((await g.data()) as Float32Array, (await ref.data()) as Float32Array)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, c, twin, g, ref, ...m.gpu!.map((c) => c.blocks)]);
  });

  it("GPU memory for the weight is its quantized size", async () => {
    const m = matrix(GgmlType.Q4_K, new Rng(5));
    const before = tf.memory().numBytes;
    gpuBlocks(m);
    const x = tf.zeros([1, IN]) as tfType.Tensor2D;
    const y = blocksMatMulT(x, m);
    await y.data();
    const used = tf.memory().numBytes - before - 4 * (IN + OUT);
    console.info(`Q4_K ${OUT}x${IN}: ${used} bytes on the GPU (float32: ${4 * IN * OUT})`);
    expect(used).toBe(m.bytes.byteLength); // 144 bytes per 256 weights: 4.5 bits a weight
    expect(used).toBeLessThan((4 * IN * OUT) / 7);
    tf.dispose([x, y, ...m.gpu!.map((c) => c.blocks)]);
  });
});
