/**
 * The forward pass on the webgpu backend (Dawn on SwiftShader here; ../shared/docs/WEBGPU.md) agrees with
 * llama.cpp for llama, qwen2 and qwen3, within the same budget as on wasm (llamaCppAgreement.test.ts): max 5e-3
 * nats with llama.cpp's F16 KV cache as shipped, and closer with its F32 cache (both sides in float32).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { scoreWithLlamaCpp } from "../../../electron/engine/inference/scoreWithLlamaCpp";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { useSwiftShader } from "../../native-deps/swiftShader";
import { seededRandom } from "./randomModel";

const TOKENS = 48;
const MAX_TOLERANCE = 5e-3;
const F32_CACHE_TOLERANCE = 2e-4;

const skip = useSwiftShader();
if (skip) console.info(`webgpu forward tests skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), "lora-studio-webgpu-forward-"));
const measured: Record<string, { f16Cache: number; f32Cache: number }> = {};

beforeAll(async () => {
  if (skip) return;
  const init = await initTfjs({ prefer: "webgpu" });
  expect(init.backend).toBe("webgpu");
  expect(init.tf.getBackend()).toBe("webgpu");
});
afterAll(async () => {
  await releaseTfjs();
  rmSync(dir, { recursive: true, force: true });
  console.info(`webgpu forward vs llama.cpp, max logprob difference (nats):\n${JSON.stringify(measured, null, 1)}`);
});

describe.skipIf(skip)("webgpu forward agrees with llama.cpp", () => {
  for (const arch of ["llama", "qwen2", "qwen3"] as const) {
    it(`${arch} tiny F32`, async () => {
      const path = join(dir, `${arch}.gguf`);
      await makeTinyModel({ arch, preset: "tiny", dtype: "f32", seed: 11, out: path });
      const file = await openGguf(path);
      const model = await LlamaModel.load(file).finally(() => file.close());
      try {
        const rng = seededRandom(2024);
        const tokens = Array.from({ length: TOKENS }, () => Math.floor(rng.uniform() * model.config.vocabSize));
        const ours = await model.logprobs(tokens);
        const maxDiff = (ref: number[]) => {
          expect(ref).toHaveLength(ours.length);
          return Math.max(...ref.map((r, i) => Math.abs(r - ours[i]!)));
        };
        const f16Cache = maxDiff(await scoreWithLlamaCpp(path, tokens, { kvCache: "F16" }));
        const f32Cache = maxDiff(await scoreWithLlamaCpp(path, tokens, { kvCache: "F32" }));
        measured[arch] = { f16Cache, f32Cache };
        expect(f16Cache).toBeLessThanOrEqual(MAX_TOLERANCE);
        expect(f32Cache).toBeLessThanOrEqual(F32_CACHE_TOLERANCE);
      } finally {
        model.dispose();
      }
    });
  }
});
