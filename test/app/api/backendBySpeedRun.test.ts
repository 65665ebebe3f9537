/**
 * The app's side of the backend choice by measured speed: the Settings view names the device and the decision,
 * and a run started from it trains on the backend that won (run.json's job.backend, the run's backend).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HardwareReport } from "../../../electron/app/hardware/probeHardware";
import type { CalibrationOptions, CalibrationResult } from "../../../electron/app/hardware/runCalibrationSteps";
import type { RunRecord } from "../../../electron/app/training/RunRecord";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import { repoRoot } from "../../helpers/paths";
import { openStudio } from "./studioFixture";

const RTX = { vendor: "nvidia", architecture: "ampere", device: "", description: "NVIDIA GeForce RTX 3050 Laptop GPU", isFallbackAdapter: false, maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 };
const machine: HardwareReport = {
  os: "Debian 12 x64",
  cpu: { model: "Test CPU", physicalCores: 2, logicalCores: 2 },
  gpus: [{ vendor: "NVIDIA", model: "GeForce RTX 3050 Laptop GPU", vramMb: 4096 }],
  llamaCpp: { ok: true, gpu: false, devices: [], vramTotalMb: null, vramFreeMb: null },
  tfjs: { chosen: "webgpu", backends: [{ name: "webgpu", ok: true, reason: "first in order that loaded" }, { name: "wasm", ok: false, reason: "skipped: a preferred backend loaded" }], adapter: RTX },
  probedAt: "now",
  memory: { totalMb: 16000, availableMb: 12000 },
  cached: true,
  probeMs: 1,
};
/** What the test steps "measure": the CPU is faster than this (weak) GPU. */
const speed: Record<string, number> = { webgpu: 150, wasm: 600 };
const calibrations: CalibrationOptions[] = [];
const calibrate = async (o: CalibrationOptions): Promise<CalibrationResult> => {
  calibrations.push(o);
  return { backend: o.backend!, baselineRssMb: 200, rssAfterLoadMb: 210, peakRssMb: 300, loadSeconds: 0, secondsPerStep: (o.seqLen * o.batchSize) / speed[o.backend!]!, tokensPerSecond: speed[o.backend!]! };
};

const f = openStudio({ calibrate: true, deps: { probe: async () => machine, calibrate } });
afterAll(() => f.close());
const sample = join(repoRoot, "resources/samples/clinic-faq.jsonl");
let projectId = "";

beforeAll(async () => {
  f.studio.grants.grant(sample);
  projectId = (await f.call("createProject", { name: "Weak GPU", domain: "medical", language: "en" })).id;
  const model = await f.call("useDemoModel", { architecture: "llama", preset: "tiny" });
  await f.call("updateProject", { projectId, modelId: model.id });
  await f.call("importDataset", { projectId, paths: [sample], validationShare: 0.2 });
});

type Progress = Extract<StudioEvent, { event: "training.progress" }>;
const ended = (runId: string) => (e: StudioEvent): e is Progress =>
  e.event === "training.progress" && e.payload.runId === runId && ["finished", "failed", "cancelled", "interrupted"].includes(e.payload.run.status);

describe("a GPU slower than the CPU in its test step", () => {
  it("is said in Settings, and the run trains on the CPU backend that won", async () => {
    const view = await f.call("recommend", { projectId });
    expect(calibrations.map((o) => o.backend)).toEqual(["webgpu", "wasm"]);
    expect(view.backend).toBe("wasm");
    expect(view.device.kind).toBe("cpu");
    expect(view.device.decision!.en).toBe("The CPU was faster than this GPU (NVIDIA GeForce RTX 3050 Laptop GPU) in a test step (600 against 150 tokens per second), so training uses the CPU (wasm).");
    expect(view.device.decision!.zh).toMatch(/CPU 比这块 GPU/);
    expect(view.reasons.find((r) => r.key === "backend")).toMatchObject({ value: "wasm", reason: view.device.decision });
    expect(view.predicted.tokensPerSecond).toBe(600);

    const run = await f.call("startRun", { projectId, overrides: { maxSteps: 2, seqLen: 128, batchSize: 1, gradAccum: 1, rank: 4, alpha: 8, evalEvery: 2, checkpointEvery: 0, earlyStopPatience: 0 } });
    const end = (await f.waitFor(ended(run.id), 180_000)).payload.run;
    expect(end.status, JSON.stringify(end.error)).toBe("finished");
    const record = JSON.parse(readFileSync(join(run.outDir, "run.json"), "utf8")) as RunRecord;
    expect(record.job.backend).toBe("wasm");
    expect(end.backend).toBe("wasm");
  }, 240_000);
});
