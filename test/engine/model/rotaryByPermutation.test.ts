/** applyRotary (x * cos + (x @ swap) * sin, what LlamaModel runs) gives the same floats as applyRope (slices and concats), forward and backward. */
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { applyRope } from "../../../electron/engine/model/applyRope";
import { ropeTables } from "../../../electron/engine/model/ropeTables";
import { applyRotary, rotarySwap, rotaryTables } from "../../../electron/engine/model/rotaryByPermutation";
import { initTfjs } from "../../../native-deps/tfjsBackend";

beforeAll(async () => {
  await initTfjs({ prefer: "wasm" });
});

const CASES = [
  { type: "norm", nRot: 16 },
  { type: "norm", nRot: 8 },
  { type: "neox", nRot: 16 },
  { type: "neox", nRot: 8 },
] as const;

describe.each(CASES)("applyRotary, $type RoPE, nRot $nRot of headDim 16", ({ type, nRot }) => {
  it("equals applyRope bit for bit, and so does its gradient", () => {
    const [b, t, h, d] = [2, 40, 3, 16];
    const tables = ropeTables({ nRot, ropeBase: 10000, ropeFreqScale: 0.5 }, t);
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const cos = tf.tensor3d(tables.cos, [t, 1, nRot / 2]);
      const sin = tf.tensor3d(tables.sin, [t, 1, nRot / 2]);
      const rotary = { ...rotaryTables(tables, t, d, nRot, type), swap: rotarySwap(d, nRot, type) };
      const x = tf.randomNormal([b, t, h, d], 0, 3, "float32", 1) as tf.Tensor4D;
      const dy = tf.randomNormal([b, t, h, d], 0, 1, "float32", 2);
      const same = (p: tf.Tensor, q: tf.Tensor) => {
        const [pv, qv] = [p.dataSync(), q.dataSync()];
        return pv.every((v, i) => Object.is(v, qv[i]));
      };
      expect(same(applyRotary(x, rotary), applyRope(x, cos, sin, nRot, type))).toBe(true);
      const gradOf = (f: (z: tf.Tensor4D) => tf.Tensor) => tf.grad((z: tf.Tensor) => tf.mul(f(z as tf.Tensor4D), dy))(x);
      expect(same(gradOf((z) => applyRotary(z, rotary)), gradOf((z) => applyRope(z, cos, sin, nRot, type)))).toBe(true);
    });
    expect(tf.memory().numTensors).toBe(start);
  });
});
