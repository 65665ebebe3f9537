import { nativeMatMulExpected } from "../../../native-deps/nativeMatmul/nativeMatMulExpected";
import { describe, expect, it } from "vitest";
import { chooseSettings, MEMORY_SHARE, NoFittingConfigError, type SettingsInput } from "../../../electron/app/recommend/chooseSettings";
import type { DataStats } from "../../../electron/app/recommend/DataStats";
import { presetShape } from "../../../electron/app/hardware/ModelShape";
import { predictPeakMemory, WASM_HEAP_CAP_MB } from "../../../electron/app/hardware/predictPeakMemory";

const hardware = (availableMb: number, chosen: "wasm" | "tensorflow-gpu" = "wasm", vramFreeMb: number | null = null): SettingsInput["hardware"] => ({
  memory: { totalMb: availableMb * 2, availableMb },
  tfjs: { chosen, backends: [{ name: chosen, ok: true, reason: "first in order that loaded" }] },
  llamaCpp: { ok: true, gpu: vramFreeMb ? "cuda" : false, devices: [], vramTotalMb: vramFreeMb, vramFreeMb },
  gpus: [],
});
const data = (examples: number, p95: number, mean = p95 / 2): DataStats => ({ examples, tokens: { mean, p95, max: p95 * 2 }, counter: "model" });
const cjk = /[\u4e00-\u9fff]/;

describe("chooseSettings", () => {
  it("sizes the sequence to the 95th percentile, the effective batch to 8-16, and explains every choice in two languages", () => {
    const s = chooseSettings({ hardware: hardware(16000), model: presetShape("small"), data: data(1000, 300) });
    expect(s.seqLen.value).toBe(304);
    expect(s.batchSize.value * s.gradAccum.value).toBe(16);
    expect(s.config).toMatchObject({ seqLen: 304, batchSize: s.batchSize.value, gradAccum: s.gradAccum.value, epochs: 3, lora: { rank: 16, alpha: 32 } });
    expect(s.targets.value).toEqual(["q", "k", "v", "o", "gate", "up", "down"]);
    expect(s.trainExamples).toBe(900);
    expect(s.stepsPerEpoch).toBe(Math.ceil(900 / 16));
    for (const c of [s.backend, s.seqLen, s.batchSize, s.gradAccum, s.rank, s.alpha, s.targets, s.lr, s.epochs, s.gradientCheckpointing, s.quantizedBase]) {
      expect(c.reason.en).toMatch(/^\S.{15,}[.)]$/);
      expect(c.reason.zh).toMatch(cjk);
    }
  });

  it("uses a smaller adapter, a gentler rate and more epochs for few examples", () => {
    const s = chooseSettings({ hardware: hardware(16000), model: presetShape("tiny"), data: data(40, 100) });
    expect(s.trainExamples).toBe(36);
    expect(s.config).toMatchObject({ epochs: 5, lr: 1e-4, lora: { rank: 8, alpha: 16 } });
    expect(s.batchSize.value * s.gradAccum.value).toBe(8);
  });

  it("never proposes more than 85% of the available memory, giving up speed before quality", () => {
    const model = presetShape("w576-4l-v4k");
    const generous = chooseSettings({ hardware: hardware(20000), model, data: data(500, 1000) });
    expect(generous.gradientCheckpointing.value).toBe(false);
    for (const availableMb of [20000, 3000, 1500, 1000, 800, 600, 500]) {
      const s = chooseSettings({ hardware: hardware(availableMb), model, data: data(500, 1000) });
      const c = s.config;
      const again = predictPeakMemory(model, { seqLen: c.seqLen, batchSize: c.batchSize, rank: c.lora.rank, targets: c.lora.targets, gradientCheckpointing: c.gradientCheckpointing, quantizedBase: false });
      expect(again.peakMb).toBe(s.memory.prediction.peakMb);
      expect(again.peakMb).toBeLessThanOrEqual(MEMORY_SHARE * availableMb);
      expect(again.tensorsMb).toBeLessThanOrEqual(MEMORY_SHARE * WASM_HEAP_CAP_MB);
    }
    expect(generous.memory.limit).toBe("wasm-heap"); // 20 GB of RAM, but the wasm heap stops at 4 GB
    const tight = chooseSettings({ hardware: hardware(1500), model, data: data(500, 1000) });
    expect(tight).toMatchObject({ seqLen: { value: 1008 }, batchSize: { value: 1 }, gradientCheckpointing: { value: true } });
    expect(tight.targets.value).toHaveLength(7);
    expect(tight.gradientCheckpointing.reason.en).toMatch(/would not fit/);
    const tighter = chooseSettings({ hardware: hardware(1000), model, data: data(500, 1000) });
    expect(tighter.targets.value).toEqual(["q", "k", "v", "o"]); // projections go before the length
    expect(tighter.seqLen.value).toBe(1008);
    const tightest = chooseSettings({ hardware: hardware(800), model, data: data(500, 1000) });
    expect(tightest.seqLen.value).toBeLessThan(1008);
    expect(tightest.seqLen.reason.en).toMatch(/does not fit in memory; longer examples will be cut/);
  });

  it("says what to do when nothing fits", () => {
    expect(() => chooseSettings({ hardware: hardware(300), model: presetShape("w576-4l-v4k"), data: data(500, 1000) })).toThrow(NoFittingConfigError);
    expect(() => chooseSettings({ hardware: hardware(300), model: presetShape("w576-4l-v4k") })).toThrow(/predicted at \d+ MB, more than 85% of the 300 MB available.*close other programs or choose a smaller model/);
  });

  it("keeps a quantized base quantized when float32 weights would pass the wasm heap's 4 GB, and says so when nothing can", () => {
    const examples = data(300, 240);
    // Without MLAS, XNNPACK's packed copy of every weight puts float32 Qwen2.5-0.5B past the heap; with it, it fits.
    const withoutMlas = process.env.LORA_STUDIO_NATIVE_MATMUL;
    process.env.LORA_STUDIO_NATIVE_MATMUL = "0";
    try {
      expect(() => chooseSettings({ hardware: hardware(20000), model: presetShape("qwen2.5-0.5b"), data: examples })).toThrow(/wasm backend's 4096 MB heap; use a quantized GGUF/);
    } finally {
      if (withoutMlas === undefined) delete process.env.LORA_STUDIO_NATIVE_MATMUL;
      else process.env.LORA_STUDIO_NATIVE_MATMUL = withoutMlas;
    }
    if (nativeMatMulExpected()) expect(chooseSettings({ hardware: hardware(20000), model: presetShape("qwen2.5-0.5b"), data: examples }).memory.limit).toBe("wasm-heap");
    const q8 = chooseSettings({ hardware: hardware(20000), model: presetShape("qwen2.5-0.5b", 34 / 32), data: examples });
    expect(q8.quantizedBase.value).toBe(true);
    expect(q8.config.quantizedBase).toBe(true);
    expect(q8.memory.limit).toBe("wasm-heap");
    expect(q8.memory.prediction.tensorsMb).toBeLessThanOrEqual(MEMORY_SHARE * WASM_HEAP_CAP_MB);
  });

  it("budgets a GPU backend against free VRAM and allows larger batches there", () => {
    const s = chooseSettings({ hardware: hardware(64000, "tensorflow-gpu", 8000), model: presetShape("small"), data: data(2000, 200) });
    // The tensors live on the GPU: its memory is budgeted apart from the RAM (which keeps the runtime and weights).
    expect(s.memory.gpu).toMatchObject({ source: "vram", availableMb: 8000, budgetMb: 6800 });
    expect(s.memory.gpu!.prediction.peakMb).toBeLessThanOrEqual(6800);
    expect(s.memory.limit).toBe("ram");
    expect(s.batchSize.value).toBe(16);
    expect(s.batchSize.reason.en).toMatch(/MB of GPU memory, within 6800 MB \(85% of the GPU's 8000 MB\)/);
  });
});
