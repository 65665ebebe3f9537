import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recommendTrainConfig } from "../../../electron/app/recommend/recommendTrainConfig";
import type { HardwareReport } from "../../../electron/app/hardware/probeHardware";
import type { CalibrationOptions } from "../../../electron/app/hardware/runCalibrationSteps";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { runCli } from "../../helpers/runCli";
import { templatedExamples } from "../../engine/training/templatedData";

const dir = mkdtempSync(join(tmpdir(), "recommend-"));
const model = join(dir, "m.gguf");
const data = join(dir, "d.jsonl");
beforeAll(async () => {
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: model, seed: 1 });
  writeFileSync(data, templatedExamples(60).map((e) => JSON.stringify(e)).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fakeHardware = (availableMb: number): HardwareReport => ({
  os: "TestOS",
  cpu: { model: "Test CPU", physicalCores: 2, logicalCores: 2 },
  gpus: [],
  llamaCpp: { ok: true, gpu: false, devices: [], vramTotalMb: null, vramFreeMb: null },
  tfjs: { chosen: "wasm", backends: [{ name: "wasm", ok: true, reason: "first" }] },
  probedAt: "now",
  memory: { totalMb: availableMb, availableMb },
  cached: true,
  probeMs: 1,
});

describe("lora-studio recommend", () => {
  it("prints the settings with reasons, predicted peak memory checked by a calibration run, and time per epoch", async () => {
    const r = await runCli(["recommend", "--model", model, "--data", data, "--home", join(dir, "home"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout);
    expect(rec.data.examples).toBe(60);
    expect(rec.data.counter).toBe("model");
    const config = TrainConfigSchema.parse(rec.config); // trainable as it is
    expect(config.seqLen).toBeGreaterThanOrEqual(rec.data.tokens.p95 - 16);
    expect(config.batchSize * config.gradAccum).toBe(8);
    expect(rec.backend.value).toBe("wasm");
    expect(rec.predicted.peakMemoryMb).toBeLessThanOrEqual(0.85 * rec.hardware.ramAvailableMb);
    expect(rec.predicted.measuredPeakMemoryMb).toBeGreaterThan(100);
    expect(Math.abs(rec.predicted.peakMemoryMb - rec.predicted.measuredPeakMemoryMb) / rec.predicted.measuredPeakMemoryMb).toBeLessThan(0.2);
    expect(rec.predicted.tokensPerSecond).toBeGreaterThan(0);
    expect(rec.predicted.secondsPerEpoch).toBeGreaterThan(0);
    expect(rec.predicted.secondsTotal).toBe(Math.round(rec.predicted.secondsPerEpoch * config.epochs));
    for (const key of ["backend", "seqLen", "batchSize", "gradAccum", "rank", "alpha", "targets", "lr", "epochs", "gradientCheckpointing", "quantizedBase"]) {
      expect(rec[key].reason.en, key).toMatch(/\w{3}/);
      expect(rec[key].reason.zh, key).toMatch(/[\u4e00-\u9fff]/);
    }
    const text = await runCli(["recommend", "--model", model, "--no-calibrate", "--zh", "--home", join(dir, "home")]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/predicted peak memory \d+ MB; budget \d+ MB/);
    expect(text.stdout).toMatch(/常用默认值/);
  }, 120_000);

  it("steps down and calibrates again when the calibration measures more than the budget", async () => {
    const seen: CalibrationOptions[] = [];
    const rec = await recommendTrainConfig({
      modelPath: model,
      deps: {
        probe: async () => fakeHardware(2000),
        dataStats: async () => ({ examples: 500, tokens: { mean: 200, p95: 400, max: 500 }, counter: "model" }),
        // The first two runs "measure" 1900 MB, over the 1700 MB budget; the third fits.
        calibrate: async (o) => (seen.push(o), { backend: "wasm", baselineRssMb: 190, rssAfterLoadMb: 200, peakRssMb: seen.length < 3 ? 1900 : 900, loadSeconds: 0, secondsPerStep: 1, tokensPerSecond: 400 }),
      },
      dataPaths: ["unused.jsonl"],
    });
    expect(seen.map((o) => o.batchSize)).toEqual([4, 2, 1]);
    expect(rec.adjustments).toHaveLength(2);
    expect(rec.adjustments[0]!.reason.en).toMatch(/measured 1900 MB, over the 1700 MB budget.*batch 2/);
    expect(rec.config).toMatchObject({ batchSize: 1, gradAccum: 16 });
    expect(rec.batchSize).toMatchObject({ value: 1 });
    expect(rec.predicted.measuredPeakMemoryMb).toBe(900);
    expect(rec.predicted.secondsPerEpoch).toBe(Math.round((450 * 201) / 400));
  });
});

describe("configForTraining", () => {
  it("trains the recommendation when nothing is given, and lays explicit settings over it", async () => {
    const { configForTraining } = await import("../../../electron/app/recommend/configForTraining");
    const deps = {
      probe: async () => fakeHardware(8000),
      dataStats: async () => ({ examples: 500, tokens: { mean: 100, p95: 200, max: 300 }, counter: "model" as const }),
    };
    const request = { modelPath: model, dataPaths: ["unused.jsonl"], calibrate: false, deps };
    const plain = await configForTraining({}, request);
    expect(plain.config).toEqual(plain.recommendation.config);
    expect(plain.config.seqLen).toBe(208);
    const mixed = await configForTraining({ seqLen: 128, lora: { rank: 4 } }, request);
    expect(mixed.config).toMatchObject({ seqLen: 128, batchSize: plain.config.batchSize, lora: { rank: 4, alpha: plain.config.lora.alpha, targets: plain.config.lora.targets } });
    await expect(configForTraining({ seqLen: 2 }, request)).rejects.toThrow(/seqLen|>=8/);
  });
});
