/**
 * The recommender's calibration on webgpu, for real (forced: SwiftShader here, the CPU standing in for a GPU, so its
 * speed means nothing but its memory does): the GPU bytes a training step allocates stay flat across steps and
 * agree with the GPU memory model; and with a GPU and a CPU backend both loading, a test step is timed on each and
 * the faster trains (on SwiftShader, wasm is expected to win; the test checks the choice follows the times).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureInChild } from "../../../electron/app/hardware/measureInChild";
import { modelShapeOf } from "../../../electron/app/hardware/ModelShape";
import { predictGpuMemory } from "../../../electron/app/hardware/predictGpuMemory";
import type { HardwareReport } from "../../../electron/app/hardware/probeHardware";
import { recommendTrainConfig } from "../../../electron/app/recommend/recommendTrainConfig";
import { inspectModel } from "../../../electron/engine/gguf/inspectModel";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { swiftShaderEnv, useSwiftShader } from "../../native-deps/swiftShader";

const skip = useSwiftShader();
if (skip) console.info(`webgpu calibration tests skipped: ${skip}`);
else Object.assign(process.env, swiftShaderEnv()); // the calibration children find SwiftShader as their adapter

const dir = mkdtempSync(join(tmpdir(), "webgpu-calibration-"));
const model = join(dir, "m.gguf");
beforeAll(() => makeTinyModel({ arch: "llama", preset: "tiny", out: model, seed: 2 }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SWIFTSHADER = { vendor: "google", architecture: "swiftshader", device: "", description: "SwiftShader Device (Subzero)", isFallbackAdapter: false, maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 };

describe.skipIf(skip)("calibration on webgpu (SwiftShader)", () => {
  it("allocates the same GPU bytes at every step after the first, as the GPU memory model predicts", async () => {
    const settings = { seqLen: 64, batchSize: 2, rank: 4, targets: ["q", "v", "down"] as ("q" | "v" | "down")[], gradientCheckpointing: false, quantizedBase: false };
    const r = await measureInChild({ modelPath: model, ...settings, steps: 4, backend: "webgpu" }, 600_000);
    expect(r.backend).toBe("webgpu");
    expect(r.gpu).toBeDefined();
    const { afterLoadMb, afterStepMb, peakMb } = r.gpu!;
    expect(afterStepMb).toHaveLength(5); // the warm-up and four timed steps
    expect(afterLoadMb).toBeGreaterThan(0);
    // Flat: once the first step has made its buffers, later steps reuse them (no leak, no growing pool).
    expect(new Set(afterStepMb.slice(1)).size, `GPU MB after each step: ${afterStepMb.join(", ")}`).toBe(1);
    expect(afterStepMb[1]! - afterStepMb[0]!).toBeLessThanOrEqual(0.05 * afterStepMb[0]!);
    const predicted = predictGpuMemory(modelShapeOf(await inspectModel(model)), settings, SWIFTSHADER);
    console.info(`webgpu calibration: GPU MB after load ${afterLoadMb}, after steps ${afterStepMb.join(", ")}; predicted ${predicted.peakMb} MB; largest buffer ${predicted.largestBufferMb} MB`);
    expect(Math.abs(predicted.peakMb - peakMb) / peakMb).toBeLessThanOrEqual(0.25);
    expect(predicted.withinBufferLimits).toBe(true);
  }, 600_000);

  it("times a test step on webgpu and on wasm and trains on the faster, saying so", async () => {
    const hardware: HardwareReport = {
      os: "Debian 12 x64",
      cpu: { model: "Test CPU", physicalCores: 2, logicalCores: 2 },
      gpus: [],
      llamaCpp: { ok: true, gpu: false, devices: [], vramTotalMb: null, vramFreeMb: null },
      // What the probe reports with LORA_STUDIO_BACKEND=webgpu on this machine: SwiftShader forced, nothing else tried.
      tfjs: { chosen: "webgpu", backends: [{ name: "webgpu", ok: true, reason: "forced" }], adapter: SWIFTSHADER },
      probedAt: "now",
      memory: { totalMb: 8000, availableMb: 6000 },
      cached: true,
      probeMs: 1,
    };
    const rec = await recommendTrainConfig({
      modelPath: model,
      dataPaths: ["unused.jsonl"],
      deps: { probe: async () => hardware, dataStats: async () => ({ examples: 3, tokens: { mean: 30, p95: 40, max: 50 }, counter: "model" }) },
    });
    expect(rec.backendTimings.map((t) => t.backend)).toEqual(["webgpu", "wasm"]);
    const [gpu, cpu] = rec.backendTimings;
    expect(gpu!.tokensPerSecond, gpu!.error).toBeGreaterThan(0);
    expect(cpu!.tokensPerSecond, cpu!.error).toBeGreaterThan(0);
    const faster = gpu!.tokensPerSecond! > cpu!.tokensPerSecond! ? "webgpu" : "wasm";
    console.info(`test steps: webgpu (SwiftShader) ${gpu!.tokensPerSecond} tokens/s, wasm ${cpu!.tokensPerSecond} tokens/s: ${rec.backend.reason.en}`);
    expect(rec.backend.value).toBe(faster);
    expect(rec.backend.reason.en).toMatch(faster === "wasm" ? /^The CPU was faster than this GPU \(SwiftShader Device \(Subzero\)\) in a test step/ : /^Trains on the GPU \(SwiftShader Device \(Subzero\)\): [\d.]+x faster/);
    expect(rec.predicted.tokensPerSecond).toBe(faster === "wasm" ? cpu!.tokensPerSecond : gpu!.tokensPerSecond);
    expect(rec.calibration!.backend).toBe(faster);
    expect(rec.device.kind).toBe(faster === "wasm" ? "cpu" : "gpu");
  }, 600_000);
});
