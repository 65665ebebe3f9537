/**
 * native-deps/webgpu/registerWebgpuKernelFixes.ts: tfjs-backend-webgpu's split-K matmul is wrong with a
 * transposed B (batch 1, inner dimension >= 2000, few output tiles); the re-registered BatchMatMul gives the
 * right product. Checked against float64 sums in JavaScript, on SwiftShader.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initTfjs, releaseTfjs } from "../../native-deps/tfjsBackend";
import { useSwiftShader } from "./swiftShader";

const skip = useSwiftShader();
if (skip) console.info(`webgpu kernel fix tests skipped: ${skip}`);
let tf: Awaited<ReturnType<typeof initTfjs>>["tf"];

beforeAll(async () => {
  if (skip) return;
  ({ tf } = await initTfjs({ prefer: "webgpu" }));
});
afterAll(() => releaseTfjs());

describe.skipIf(skip)("BatchMatMul on webgpu", () => {
  it.each([
    [16, 2048, 64, true], // the split-K case: wrong by 9.4 on values of 4.8 without the fix
    [16, 2048, 64, false],
    [16, 256, 64, true],
    [3, 4096, 40, true],
  ])("[%i, %i] x [%i] (transposeB %s) equals the float64 product", async (rows, k, n, transposeB) => {
    const a = Float32Array.from({ length: rows * k }, (_, i) => Math.sin(i * 0.37));
    const b = Float32Array.from({ length: n * k }, (_, i) => Math.cos(i * 0.11)); // [n, k] if transposeB, else [k, n]
    const ta = tf.tensor2d(a, [rows, k]);
    const tb = tf.tensor2d(b, transposeB ? [n, k] : [k, n]);
    const product = tf.matMul(ta, tb, false, transposeB);
    const got = (await product.data()) as Float32Array;
    tf.dispose([ta, tb, product]);
    let worst = 0;
    let scale = 0;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let i = 0; i < k; i++) sum += a[r * k + i]! * (transposeB ? b[j * k + i]! : b[i * n + j]!);
        worst = Math.max(worst, Math.abs(got[r * n + j]! - sum));
        scale = Math.max(scale, Math.abs(sum));
      }
    }
    expect(worst / scale).toBeLessThanOrEqual(1e-5);
  });
});
