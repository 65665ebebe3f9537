import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MissingMetadataKeyError, UnsupportedArchitectureError } from "../../../electron/engine/gguf/errors";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { GgufValueType, type GgufKv } from "../../../electron/engine/gguf/types";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { UnsupportedModelFeatureError } from "../../../electron/engine/model/errors";
import { parameterCount, readModelConfig } from "../../../electron/engine/model/ModelConfig";
import { llama2TinyFixture, requireFixture } from "../../helpers/paths";
import { randomModel } from "./randomModel";

const dir = mkdtempSync(join(tmpdir(), "lora-studio-model-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const u32 = (key: string, value: number): GgufKv => ({ key, type: GgufValueType.UINT32, value });
const str = (key: string, value: string): GgufKv => ({ key, type: GgufValueType.STRING, value });

/** A header-complete model of `arch` with one 32 x 64 embedding; `drop` leaves a key out. */
async function writeModel(name: string, arch: string, drop?: string): Promise<string> {
  const kvs = [
    str("general.architecture", arch),
    u32(`${arch}.block_count`, 1),
    u32(`${arch}.embedding_length`, 32),
    u32(`${arch}.feed_forward_length`, 64),
    u32(`${arch}.context_length`, 128),
    u32(`${arch}.attention.head_count`, 4),
    { key: `${arch}.attention.layer_norm_rms_epsilon`, type: GgufValueType.FLOAT32, value: 1e-5 } as GgufKv,
  ].filter((kv) => kv.key !== drop);
  const path = join(dir, name);
  await writeGguf(path, kvs, [{ name: "token_embd.weight", dims: [32, 64], type: GgmlType.F32, data: new Float32Array(32 * 64) }]);
  return path;
}

describe("readModelConfig", () => {
  it("reads the llama.cpp-converted fixture", async () => {
    const file = await openGguf(requireFixture(llama2TinyFixture));
    try {
      const config = readModelConfig(file);
      expect(config).toEqual({
        arch: "llama",
        nLayer: 1,
        nEmbd: 8,
        nHead: 2,
        nHeadKv: 2,
        headDim: 4,
        nFf: 32,
        vocabSize: 32000,
        contextLength: 4096,
        ropeBase: 10000,
        ropeFreqScale: 1,
        nRot: 4,
        ropeType: "norm",
        rmsEps: Math.fround(1e-5),
        tiedEmbeddings: false,
        hasQkvBias: false,
        hasQkNorm: false,
        hasRopeFreqs: false,
      });
      // 2 x (32000 x 8) embeddings and head, 4 x 8x8 attention, 3 x 8x32 FFN, 3 norms of 8.
      expect(parameterCount(file)).toBe(2 * 32000 * 8 + 4 * 64 + 3 * 256 + 3 * 8);
    } finally {
      await file.close();
    }
  });

  it("knows each architecture's RoPE pairing, biases, q/k norms and head width", () => {
    const qwen2 = readModelConfig(randomModel({ arch: "qwen2", nLayer: 1, nEmbd: 32, nHead: 4, nHeadKv: 2, headDim: 8, nFf: 40, vocab: 40, nRot: 8, ropeBase: 1e6, rmsEps: 1e-6, tied: true, qkvBias: true }, 1).source);
    expect(qwen2).toMatchObject({ ropeType: "neox", hasQkvBias: true, hasQkNorm: false, tiedEmbeddings: true, ropeBase: 1e6, nHeadKv: 2 });
    const qwen3 = readModelConfig(randomModel({ arch: "qwen3", nLayer: 1, nEmbd: 32, nHead: 4, nHeadKv: 2, headDim: 16, nFf: 40, vocab: 40, nRot: 16, ropeBase: 1e6, rmsEps: 1e-6, tied: false, qkNorm: true }, 1).source);
    expect(qwen3).toMatchObject({ ropeType: "neox", hasQkvBias: false, hasQkNorm: true, tiedEmbeddings: false, headDim: 16, nRot: 16 });
    const llama3 = readModelConfig(randomModel({ arch: "llama", nLayer: 1, nEmbd: 32, nHead: 4, nHeadKv: 1, headDim: 8, nFf: 40, vocab: 40, nRot: 8, ropeBase: 5e5, rmsEps: 1e-5, tied: true, ropeFreqs: true, linearRopeFactor: 4 }, 1).source);
    expect(llama3).toMatchObject({ ropeType: "norm", hasRopeFreqs: true, ropeFreqScale: 0.25, nHeadKv: 1 });
  });

  it("refuses an unsupported architecture, naming it and the supported ones", async () => {
    const file = await openGguf(await writeModel("gpt2.gguf", "gpt2"));
    try {
      expect(() => readModelConfig(file)).toThrow(UnsupportedArchitectureError);
      expect(() => readModelConfig(file)).toThrow(/"gpt2".*supported: llama, qwen2, qwen3/);
    } finally {
      await file.close();
    }
  });

  it("names a missing required key", async () => {
    const file = await openGguf(await writeModel("no-blocks.gguf", "qwen2", "qwen2.block_count"));
    try {
      expect(() => readModelConfig(file)).toThrow(MissingMetadataKeyError);
      expect(() => readModelConfig(file)).toThrow(/qwen2\.block_count/);
    } finally {
      await file.close();
    }
  });

  it("refuses RoPE scaling it cannot reproduce", () => {
    const m = randomModel({ arch: "qwen2", nLayer: 1, nEmbd: 32, nHead: 4, nHeadKv: 2, headDim: 8, nFf: 40, vocab: 40, nRot: 8, ropeBase: 1e6, rmsEps: 1e-6, tied: true }, 1);
    m.kvs.set("qwen2.rope.scaling.type", "yarn");
    m.kvs.set("qwen2.rope.scaling.factor", 4);
    expect(() => readModelConfig(m.source)).toThrow(UnsupportedModelFeatureError);
    expect(() => readModelConfig(m.source)).toThrow(/"yarn" with factor 4/);
  });
});
