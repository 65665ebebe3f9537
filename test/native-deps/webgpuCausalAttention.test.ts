/**
 * native-deps/webgpu/causalAttentionProgram.ts: the fused causal attention (no [B, H, T, T] scores) equals the
 * engine's composed causalAttention on webgpu, forward and gradients for q, k and v, with grouped-query heads and
 * without; it needs less memory. On SwiftShader: correctness only.
 */
import type * as tfType from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { causalAttention, causalMask } from "../../electron/engine/model/causalAttention";
import { fusedAttentionAvailable, fusedCausalAttention } from "../../electron/engine/model/fusedCausalAttention";
import { Rng } from "../../electron/engine/util/Rng";
import { initTfjs, releaseTfjs } from "../../native-deps/tfjsBackend";
import { useSwiftShader } from "./swiftShader";

const skip = useSwiftShader();
if (skip) console.info(`webgpu causal attention tests skipped: ${skip}`);
let tf: typeof tfType;

beforeAll(async () => {
  if (skip) return;
  ({ tf } = await initTfjs({ prefer: "webgpu" }));
});
afterAll(() => releaseTfjs());

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

describe.skipIf(skip)("fused causal attention on webgpu", () => {
  it.each([
    [2, 7, 4, 2, 8],
    [1, 9, 3, 3, 16],
    [1, 5, 6, 1, 4],
  ])("B %i, T %i, H %i, KV %i, hd %i: output and gradients equal the composed attention within 1e-5", async (b, t, h, kv, hd) => {
    expect(fusedAttentionAvailable()).toBe(true);
    // WebGPU reports validation errors (a bad binding, a shader that does not compile) only here; tfjs never asks.
    const device = (tf.backend() as unknown as { device: { pushErrorScope(f: string): void; popErrorScope(): Promise<{ message: string } | null> } }).device;
    device.pushErrorScope("validation");
    const rng = new Rng(b * 100 + t);
    const rand = (shape: [number, number, number, number]) => tf.tensor4d(Float32Array.from({ length: shape.reduce((x, y) => x * y) }, () => (rng.float() * 2 - 1) * 2), shape);
    const q = rand([b, t, h, hd]);
    const k = rand([b, t, kv, hd]);
    const v = rand([b, t, kv, hd]);
    const c = tf.reshape(rand([b, t, h, hd]), [b * t, h * hd]) as tfType.Tensor2D;
    const mask = causalMask(t);
    const scale = 1 / Math.sqrt(hd);
    const loss = (f: (q: tfType.Tensor4D, k: tfType.Tensor4D, v: tfType.Tensor4D) => tfType.Tensor2D) =>
      tf.valueAndGrads((qq: tfType.Tensor, kk: tfType.Tensor, vv: tfType.Tensor) => tf.sum(tf.mul(f(qq as tfType.Tensor4D, kk as tfType.Tensor4D, vv as tfType.Tensor4D), c)))([q, k, v]);
    const composed = loss((qq, kk, vv) => causalAttention(qq, kk, vv, mask, scale));
    const fused = loss((qq, kk, vv) => fusedCausalAttention(qq, kk, vv, scale));
    const outA = causalAttention(q, k, v, mask, scale);
    const outB = fusedCausalAttention(q, k, v, scale);
    const errors = {
      out: relative((await outB.data()) as Float32Array, (await outA.data()) as Float32Array),
      dq: relative((await fused.grads[0]!.data()) as Float32Array, (await composed.grads[0]!.data()) as Float32Array),
      dk: relative((await fused.grads[1]!.data()) as Float32Array, (await composed.grads[1]!.data()) as Float32Array),
      dv: relative((await fused.grads[2]!.data()) as Float32Array, (await composed.grads[2]!.data()) as Float32Array),
    };
    console.info(`fused vs composed attention [${b}, ${t}, ${h}/${kv}, ${hd}]: ${JSON.stringify(Object.fromEntries(Object.entries(errors).map(([n, e]) => [n, e.toExponential(2)])))}`);
    expect((await device.popErrorScope())?.message).toBeUndefined();
    for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-5);
    tf.dispose([q, k, v, c, mask, outA, outB, composed.value, fused.value, ...composed.grads, ...fused.grads]);
  });

  it("keeps no [B, H, T, T] tensors: peak memory of forward + backward below the composed attention's", async () => {
    const [b, t, h, kv, hd] = [1, 64, 4, 2, 8];
    const q = tf.ones([b, t, h, hd]) as tfType.Tensor4D;
    const k = tf.ones([b, t, kv, hd]) as tfType.Tensor4D;
    const v = tf.ones([b, t, kv, hd]) as tfType.Tensor4D;
    const mask = causalMask(t);
    const peak = async (f: (q: tfType.Tensor4D, k: tfType.Tensor4D, v: tfType.Tensor4D) => tfType.Tensor2D) => {
      const before = tf.memory().numBytes;
      const info = await tf.profile(async () => {
        const { value, grads } = tf.valueAndGrads((qq: tfType.Tensor, kk: tfType.Tensor, vv: tfType.Tensor) => tf.sum(f(qq as tfType.Tensor4D, kk as tfType.Tensor4D, vv as tfType.Tensor4D)))([q, k, v]);
        await grads[0]!.data();
        tf.dispose([value, ...grads]);
      });
      return info.peakBytes - before;
    };
    const composed = await peak((qq, kk, vv) => causalAttention(qq, kk, vv, mask, 1));
    const fused = await peak((qq, kk, vv) => fusedCausalAttention(qq, kk, vv, 1));
    console.info(`attention [1, 64, 4/2, 8], forward + backward peak bytes: composed ${composed}, fused ${fused}`);
    expect(fused).toBeLessThan(composed / 2);
    tf.dispose([q, k, v, mask]);
  });
});
