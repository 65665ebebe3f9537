/**
 * Backend choice by measured speed: where a GPU backend and a CPU backend both load, the recommender times a test
 * step on each and trains on the faster, saying so in both languages; the decision follows the measured times only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HardwareReport } from "../../../electron/app/hardware/probeHardware";
import type { CalibrationOptions, CalibrationResult } from "../../../electron/app/hardware/runCalibrationSteps";
import { cpuCandidates, gpuNameOf, trainingDeviceOf } from "../../../electron/app/hardware/trainingDevice";
import { chooseFasterBackend } from "../../../electron/app/recommend/chooseFasterBackend";
import { recommendTrainConfig } from "../../../electron/app/recommend/recommendTrainConfig";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";

const cjk = /[\u4e00-\u9fff]/;
const RTX = { vendor: "nvidia", architecture: "lovelace", device: "", description: "NVIDIA GeForce RTX 4060", isFallbackAdapter: false, maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 };

describe("chooseFasterBackend", () => {
  it("trains on the GPU when its test step was faster, and says how much faster", () => {
    const d = chooseFasterBackend({ backend: "webgpu", tokensPerSecond: 3100, secondsPerStep: 0.1 }, { backend: "wasm", tokensPerSecond: 1000, secondsPerStep: 0.3 }, "NVIDIA GeForce RTX 4060");
    expect(d.value).toBe("webgpu");
    expect(d.speedup).toBeCloseTo(3.1, 5);
    expect(d.reason.en).toBe("Trains on the GPU (NVIDIA GeForce RTX 4060): 3.1x faster than the CPU in a test step (3100 against 1000 tokens per second).");
    expect(d.reason.zh).toMatch(cjk);
    expect(d.reason.zh).toContain("3.1");
  });

  it("trains on the CPU when it was faster than the GPU (a weak integrated GPU), and says so", () => {
    const d = chooseFasterBackend({ backend: "webgpu", tokensPerSecond: 180, secondsPerStep: 1 }, { backend: "wasm", tokensPerSecond: 250, secondsPerStep: 0.7 }, "Intel UHD Graphics 620");
    expect(d.value).toBe("wasm");
    expect(d.reason.en).toBe("The CPU was faster than this GPU (Intel UHD Graphics 620) in a test step (250 against 180 tokens per second), so training uses the CPU (wasm).");
    expect(d.reason.zh).toMatch(/CPU 比这块 GPU（Intel UHD Graphics 620）更快/);
  });

  it("follows the measured times only: swapping them swaps the choice; a failed step loses", () => {
    const gpu = (t: number | null) => ({ backend: "tensorflow-gpu" as const, tokensPerSecond: t, secondsPerStep: t && 1 / t, ...(t === null ? { error: "CUDA_ERROR_NO_DEVICE" } : {}) });
    const cpu = (t: number | null) => ({ backend: "tensorflow" as const, tokensPerSecond: t, secondsPerStep: t && 1 / t, ...(t === null ? { error: "could not load" } : {}) });
    expect(chooseFasterBackend(gpu(501), cpu(500), "RTX").value).toBe("tensorflow-gpu");
    expect(chooseFasterBackend(gpu(500), cpu(501), "RTX").value).toBe("tensorflow");
    expect(chooseFasterBackend(gpu(500), cpu(500), "RTX").value).toBe("tensorflow"); // a tie keeps the CPU
    const failed = chooseFasterBackend(gpu(null), cpu(100), "RTX");
    expect(failed.value).toBe("tensorflow");
    expect(failed.reason.en).toBe("The GPU (RTX) failed its test step (CUDA_ERROR_NO_DEVICE), so training uses the CPU (tensorflow).");
    const cpuFailed = chooseFasterBackend(gpu(10), cpu(null), "RTX");
    expect(cpuFailed.value).toBe("tensorflow-gpu");
    expect(cpuFailed.reason.en).toMatch(/^Trains on the GPU \(RTX\): the CPU backend \(tensorflow\) failed its test step/);
  });
});

const dir = mkdtempSync(join(tmpdir(), "backend-by-speed-"));
const model = join(dir, "m.gguf");
beforeAll(() => makeTinyModel({ arch: "llama", preset: "tiny", out: model, seed: 1 }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gpuMachine = (): HardwareReport => ({
  os: "Windows 11 x64",
  cpu: { model: "Intel Core i7-13700H", physicalCores: 14, logicalCores: 20 },
  gpus: [{ vendor: "NVIDIA", model: "GeForce RTX 4060", vramMb: 8188 }],
  llamaCpp: { ok: true, gpu: "vulkan", devices: ["NVIDIA GeForce RTX 4060"], vramTotalMb: 8188, vramFreeMb: 7000 },
  tfjs: {
    chosen: "webgpu",
    backends: [
      { name: "tensorflow-gpu", ok: false, reason: "not installed" },
      { name: "webgpu", ok: true, reason: "first in order that loaded" },
      { name: "tensorflow", ok: false, reason: "skipped: a preferred backend loaded" },
      { name: "wasm", ok: false, reason: "skipped: a preferred backend loaded" },
      { name: "cpu", ok: false, reason: "skipped: a preferred backend loaded" },
    ],
    adapter: RTX,
  },
  probedAt: "now",
  memory: { totalMb: 32000, availableMb: 20000 },
  cached: true,
  probeMs: 1,
});

/** A calibration that "measures" the given tokens per second on each backend. */
function timedBy(speed: Partial<Record<string, number>>, seen: CalibrationOptions[]) {
  return async (o: CalibrationOptions): Promise<CalibrationResult> => {
    seen.push(o);
    const tps = speed[o.backend!];
    if (tps === undefined) throw new Error(`tfjs backend "${o.backend}" could not load: not installed`);
    const tokens = o.seqLen * o.batchSize;
    return { backend: o.backend!, baselineRssMb: 200, rssAfterLoadMb: 210, peakRssMb: 300, loadSeconds: 0, secondsPerStep: tokens / tps, tokensPerSecond: tps, ...(o.backend === "webgpu" && { gpu: { afterLoadMb: 5, afterStepMb: [9, 9, 9], peakMb: 9 } }) };
  };
}

describe("recommendTrainConfig with a GPU and a CPU backend", () => {
  const request = (speed: Partial<Record<string, number>>, seen: CalibrationOptions[]) => ({
    modelPath: model,
    dataPaths: ["unused.jsonl"],
    deps: {
      probe: async () => gpuMachine(),
      dataStats: async () => ({ examples: 500, tokens: { mean: 100, p95: 200, max: 300 }, counter: "model" as const }),
      calibrate: timedBy(speed, seen),
    },
  });

  it("times a step on each and trains on the GPU when it was faster", async () => {
    const seen: CalibrationOptions[] = [];
    const rec = await recommendTrainConfig(request({ webgpu: 3100, wasm: 1000 }, seen));
    expect(seen.map((o) => o.backend)).toEqual(["webgpu", "wasm"]); // tfjs-node is not installed here: not timed
    expect(rec.backendTimings.map((t) => [t.backend, t.tokensPerSecond])).toEqual([["webgpu", 3100], ["wasm", 1000]]);
    expect(rec.backend.value).toBe("webgpu");
    expect(rec.backend.reason.en).toMatch(/^Trains on the GPU \(NVIDIA GeForce RTX 4060\): 3\.1x faster than the CPU in a test step/);
    expect(rec.device).toEqual({ kind: "gpu", name: "NVIDIA GeForce RTX 4060" });
    expect(rec.predicted.tokensPerSecond).toBe(3100);
    expect(rec.predicted.measuredGpuMemoryMb).toBe(9);
    expect(rec.predicted.gpuMemoryMb).toBeGreaterThan(0);
    // The GPU's memory budget: 85% of the free VRAM llama.cpp reports.
    expect(rec.memory.gpu).toMatchObject({ source: "vram", availableMb: 7000, budgetMb: 5950 });
  });

  it("trains on the CPU when its step was faster, with the CPU's own settings and speed", async () => {
    const seen: CalibrationOptions[] = [];
    const rec = await recommendTrainConfig(request({ webgpu: 180, wasm: 250 }, seen));
    expect(rec.backend.value).toBe("wasm");
    expect(rec.backend.reason.en).toBe("The CPU was faster than this GPU (NVIDIA GeForce RTX 4060) in a test step (250 against 180 tokens per second), so training uses the CPU (wasm).");
    expect(rec.device).toEqual({ kind: "cpu", name: "Intel Core i7-13700H" });
    expect(rec.predicted.tokensPerSecond).toBe(250);
    expect(rec.memory.gpu).toBeUndefined();
    expect(rec.config.batchSize).toBe(seen.find((o) => o.backend === "wasm")!.batchSize);
  });

  it("calibrates only the one backend where no GPU backend loads", async () => {
    const seen: CalibrationOptions[] = [];
    const hw = gpuMachine();
    hw.tfjs = { chosen: "wasm", backends: [{ name: "webgpu", ok: false, reason: "no Vulkan loader" }, { name: "wasm", ok: true, reason: "first in order that loaded" }] };
    const rec = await recommendTrainConfig({ ...request({ wasm: 250 }, seen), deps: { ...request({}, seen).deps, probe: async () => hw, calibrate: timedBy({ wasm: 250 }, seen) } });
    expect(seen.map((o) => o.backend)).toEqual(["wasm"]);
    expect(rec.backendTimings).toEqual([]);
    expect(rec.device.kind).toBe("cpu");
  });
});

describe("the training device in words", () => {
  it("names the GPU when a GPU backend loads, else says CPU and why in one line", () => {
    const hw = gpuMachine();
    expect(trainingDeviceOf(hw)).toEqual({ kind: "gpu", name: "NVIDIA GeForce RTX 4060", backend: "webgpu", why: null });
    expect(gpuNameOf({ ...hw, tfjs: { ...hw.tfjs, chosen: "tensorflow-gpu", adapter: undefined } }, "tensorflow-gpu")).toBe("NVIDIA GeForce RTX 4060");
    const cpuOnly = { ...hw, tfjs: { chosen: "wasm" as const, backends: [{ name: "webgpu", ok: false, reason: "no Vulkan loader (libvulkan.so.1) on this machine, so no WebGPU adapter" }, { name: "wasm", ok: true, reason: "first" }] } };
    const d = trainingDeviceOf(cpuOnly);
    expect(d.kind).toBe("cpu");
    expect(d.name).toBe("Intel Core i7-13700H");
    expect(d.why!.en).toBe("No GPU trains here: webgpu: no Vulkan loader (libvulkan.so.1) on this machine, so no WebGPU adapter");
    expect(d.why!.en).not.toContain("\n");
    expect(d.why!.zh).toMatch(cjk);
  });

  it("times only CPU backends that can load: tfjs-node when installed or loaded", () => {
    const tfjs = gpuMachine().tfjs;
    expect(cpuCandidates({ tfjs }, () => false)).toEqual(["wasm", "cpu"]);
    expect(cpuCandidates({ tfjs }, () => true)).toEqual(["tensorflow", "wasm", "cpu"]);
    expect(cpuCandidates({ tfjs: { ...tfjs, backends: [...tfjs.backends.slice(0, 3), { name: "wasm", ok: false, reason: "backend wasm did not initialize" }] } }, () => false)).toEqual(["cpu"]);
  });
});

describe("recommendTrainConfig when a CPU backend cannot load", () => {
  it("moves on to the next CPU backend, and names the one it timed", async () => {
    const seen: CalibrationOptions[] = [];
    const hw = gpuMachine();
    hw.tfjs = { ...hw.tfjs, backends: hw.tfjs.backends.map((b) => (b.name === "tensorflow" ? { ...b, ok: true, reason: "loaded earlier" } : b)) };
    const rec = await recommendTrainConfig({
      modelPath: model,
      dataPaths: ["unused.jsonl"],
      deps: { probe: async () => hw, dataStats: async () => ({ examples: 500, tokens: { mean: 100, p95: 200, max: 300 }, counter: "model" as const }), calibrate: timedBy({ webgpu: 300, wasm: 900 }, seen) },
    });
    // tensorflow was reported loadable but its calibration could not load it: wasm was timed instead.
    expect(seen.map((o) => o.backend)).toEqual(["webgpu", "tensorflow", "wasm"]);
    expect(rec.backendTimings.map((t) => t.backend)).toEqual(["webgpu", "wasm"]);
    expect(rec.backend.value).toBe("wasm");
  });
});
