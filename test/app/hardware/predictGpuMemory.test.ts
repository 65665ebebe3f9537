/**
 * The GPU part of the memory model: what a step allocates on the GPU, the adapter's buffer limits, the GPU's VRAM
 * where known and a share of RAM on Apple Silicon; the recommender stays within them.
 */
import { describe, expect, it } from "vitest";
import { presetShape } from "../../../electron/app/hardware/ModelShape";
import { predictGpuMemory } from "../../../electron/app/hardware/predictGpuMemory";
import { HEAD_CHUNK_ROWS } from "../../../electron/engine/training/headCrossEntropy";
import { gpuMemoryOf, UNIFIED_MEMORY_SHARE } from "../../../electron/app/hardware/trainingDevice";
import { chooseSettings, MEMORY_SHARE, NoFittingConfigError, type SettingsInput } from "../../../electron/app/recommend/chooseSettings";

const MiB = 2 ** 20;
const adapter = (bindingMiB: number) => ({ vendor: "intel", architecture: "gen-12lp", device: "", description: "Intel(R) Iris(R) Xe Graphics", isFallbackAdapter: false, maxBufferSize: 4096 * MiB, maxStorageBufferBindingSize: bindingMiB * MiB });
const ALL = ["q", "k", "v", "o", "gate", "up", "down"] as const;

describe("predictGpuMemory", () => {
  it("grows with the settings, and names the largest buffer a step binds (Qwen2.5-0.5B at 512 tokens: 16 MiB of chunked logits on webgpu, 297 MiB of whole logits on tensorflow-gpu)", () => {
    const qwen = presetShape("qwen2.5-0.5b");
    const base = { seqLen: 512, batchSize: 1, rank: 16, targets: [...ALL], gradientCheckpointing: false, quantizedBase: false };
    const p = predictGpuMemory(qwen, base, adapter(2048));
    // The largest is now an FFN weight (896 x 4864 float32, 16.6 MiB), just above the 16 MiB chunk of logits.
    expect(p.largestBufferMb).toBeCloseTo((Math.max(512 * HEAD_CHUNK_ROWS, qwen.dim * qwen.ffn) * 4) / MiB, 1);
    expect(p.withinBufferLimits).toBe(true);
    expect(p.peakMb).toBeGreaterThan((qwen.parameters * 4) / MiB); // at least the float32 weights
    const bigger = predictGpuMemory(qwen, { ...base, batchSize: 2 }, adapter(2048));
    expect(bigger.peakMb).toBeGreaterThan(p.peakMb);
    expect(bigger.largestBufferMb).toBeCloseTo((2 * 512 * HEAD_CHUNK_ROWS * 4) / MiB, 0);
    expect(predictGpuMemory(qwen, { ...base, gradientCheckpointing: true }).peakMb).toBeLessThan(p.peakMb);
    // tensorflow-gpu computes the loss over the whole vocabulary: its logits are 297 MiB, past a 256 MiB binding.
    const whole = predictGpuMemory(qwen, base, adapter(256), "tensorflow-gpu");
    expect(whole.largestBufferMb).toBeCloseTo((512 * 151936 * 4) / MiB, 0);
    expect(whole.withinBufferLimits).toBe(false);
    expect(whole.bufferLimitMb).toBe(256);
    expect(whole.parts.logits).toBeGreaterThan(p.parts.logits * 10);
    // On webgpu the same step fits a 256 MiB binding (common on laptops).
    expect(predictGpuMemory(qwen, base, adapter(256)).withinBufferLimits).toBe(true);
    expect(predictGpuMemory(qwen, base).withinBufferLimits).toBe(true); // no adapter known: nothing to check
  });

  it("counts the chunked logits only where the vocabulary is larger than a chunk (the fitted models' vocabularies are not)", () => {
    const small = presetShape("small");
    const settings = { seqLen: 128, batchSize: 2, rank: 8, targets: ["q", "v"] as ("q" | "v")[], gradientCheckpointing: false, quantizedBase: false };
    expect(small.vocab).toBeLessThan(HEAD_CHUNK_ROWS);
    expect(predictGpuMemory(small, settings)).toEqual(predictGpuMemory(small, settings, undefined, "tensorflow-gpu"));
  });
});

const hw = (o: Partial<SettingsInput["hardware"]> = {}): SettingsInput["hardware"] => ({
  os: "Windows 11 x64",
  memory: { totalMb: 32000, availableMb: 20000 },
  tfjs: { chosen: "webgpu", backends: [{ name: "webgpu", ok: true, reason: "first in order that loaded" }], adapter: adapter(2048) },
  llamaCpp: { ok: true, gpu: false, devices: [], vramTotalMb: null, vramFreeMb: null },
  gpus: [{ vendor: "Intel Corporation", model: "Iris Xe Graphics", vramMb: 6144 }],
  ...o,
});
const data = { examples: 1000, tokens: { mean: 300, p95: 500, max: 900 }, counter: "model" as const };

describe("the recommender on a GPU", () => {
  it("keeps the GPU prediction within 85% of the VRAM systeminformation reports, giving up batch and sequence before that", () => {
    const s = chooseSettings({ hardware: hw(), model: presetShape("qwen2.5-0.5b"), data });
    expect(s.backend.value).toBe("webgpu");
    expect(s.memory.gpu).toMatchObject({ source: "vram", availableMb: 6144, budgetMb: Math.floor(6144 * MEMORY_SHARE) });
    expect(s.memory.gpu!.prediction.peakMb).toBeLessThanOrEqual(s.memory.gpu!.budgetMb!);
    const roomy = chooseSettings({ hardware: hw({ gpus: [{ vendor: "NVIDIA", model: "GeForce RTX 4090", vramMb: 24564 }], tfjs: { ...hw().tfjs, adapter: { ...adapter(2048), description: "NVIDIA GeForce RTX 4090" } } }), model: presetShape("qwen2.5-0.5b"), data });
    expect(roomy.memory.gpu!.availableMb).toBe(24564);
    expect(roomy.batchSize.value * roomy.seqLen.value).toBeGreaterThanOrEqual(s.batchSize.value * s.seqLen.value);
    expect(roomy.memory.gpu!.prediction.peakMb).toBeGreaterThanOrEqual(s.memory.gpu!.prediction.peakMb);
  });

  it("never proposes a step whose largest buffer passes the adapter's binding limit", () => {
    const s = chooseSettings({ hardware: hw({ gpus: [{ vendor: "NVIDIA", model: "RTX", vramMb: 24000 }], tfjs: { ...hw().tfjs, adapter: adapter(128) } }), model: presetShape("qwen2.5-0.5b"), data });
    expect(s.memory.gpu!.prediction.withinBufferLimits).toBe(true);
    expect(s.memory.gpu!.prediction.largestBufferMb).toBeLessThanOrEqual(128);
    // The loss runs over vocabulary chunks on webgpu: Qwen's 152k-entry vocabulary does not cut the sequence.
    expect(s.seqLen.value).toBe(512);
    expect(s.batchSize.value * s.seqLen.value * HEAD_CHUNK_ROWS * 4).toBeLessThanOrEqual(128 * MiB);
    // Not even the smallest setting's chunk of logits fits a 1 MiB binding: one line saying so, and what to do.
    expect(() => chooseSettings({ hardware: hw({ tfjs: { ...hw().tfjs, adapter: adapter(1) } }), model: presetShape("qwen2.5-0.5b"), data })).toThrow(NoFittingConfigError);
    expect(() => chooseSettings({ hardware: hw({ tfjs: { ...hw().tfjs, adapter: adapter(1) } }), model: presetShape("qwen2.5-0.5b"), data })).toThrow(/over 8192 vocabulary entries\), more than this GPU's 1 MB limit per buffer; train on the CPU/);
  });

  it("uses a share of RAM on Apple Silicon (unified memory), free VRAM from llama.cpp first elsewhere", () => {
    const mac = { os: "macOS 15.1 arm64", memory: { totalMb: 16384, availableMb: 9000 }, gpus: [{ vendor: "Apple", model: "Apple M2", vramMb: null }], llamaCpp: { ok: true, gpu: "metal" as const, devices: ["Apple M2"], vramTotalMb: 12000, vramFreeMb: 11000 }, tfjs: { chosen: "webgpu" as const, backends: [], adapter: { ...adapter(2048), vendor: "apple", description: "Apple M2" } } };
    expect(gpuMemoryOf(mac)).toEqual({ availableMb: Math.floor(16384 * UNIFIED_MEMORY_SHARE), source: "unified" });
    const s = chooseSettings({ hardware: mac, model: presetShape("small"), data });
    expect(s.memory.gpu).toMatchObject({ source: "unified", availableMb: Math.floor(16384 * UNIFIED_MEMORY_SHARE) });
    expect(s.batchSize.reason.en).toMatch(/of the share of RAM the GPU may use/);
    const linux = { ...hw(), os: "Debian 12 x64", llamaCpp: { ok: true, gpu: "vulkan" as const, devices: ["RTX"], vramTotalMb: 8192, vramFreeMb: 6000 } };
    expect(gpuMemoryOf(linux)).toEqual({ availableMb: 6000, source: "vram" });
    expect(gpuMemoryOf({ ...linux, llamaCpp: { ...linux.llamaCpp, vramFreeMb: null }, gpus: [] })).toBeNull();
    const unknown = chooseSettings({ hardware: { ...linux, llamaCpp: { ...linux.llamaCpp, vramFreeMb: null }, gpus: [] }, model: presetShape("small"), data });
    expect(unknown.memory.gpu).toMatchObject({ source: "unknown", availableMb: null, budgetMb: null });
  });
});
