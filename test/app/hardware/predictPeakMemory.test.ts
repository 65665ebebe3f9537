import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureInChild } from "../../../electron/app/hardware/measureInChild";
import { memoryFeatures } from "../../../electron/app/hardware/memoryFeatures";
import { modelShapeOf, presetShape } from "../../../electron/app/hardware/ModelShape";
import { predictPeakMemory } from "../../../electron/app/hardware/predictPeakMemory";
import { inspectModel } from "../../../electron/engine/gguf/inspectModel";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { Projection } from "../../../electron/engine/model/ModelWeights";

const dir = mkdtempSync(join(tmpdir(), "memory-model-"));
const paths = { tiny: join(dir, "tiny.gguf"), small: join(dir, "small.gguf") };
beforeAll(async () => {
  await makeTinyModel({ arch: "llama", preset: "tiny", out: paths.tiny, seed: 0 });
  await makeTinyModel({ arch: "llama", preset: "small", out: paths.small, seed: 0 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALL: Projection[] = ["q", "k", "v", "o", "gate", "up", "down"];
const POINTS: { preset: "tiny" | "small"; seqLen: number; batchSize: number; rank: number; targets: Projection[]; gradientCheckpointing: boolean }[] = [
  { preset: "tiny", seqLen: 1024, batchSize: 2, rank: 8, targets: ["q", "v"], gradientCheckpointing: false },
  { preset: "tiny", seqLen: 256, batchSize: 4, rank: 16, targets: ALL, gradientCheckpointing: false },
  { preset: "small", seqLen: 256, batchSize: 1, rank: 8, targets: ["q", "v"], gradientCheckpointing: false },
  { preset: "small", seqLen: 512, batchSize: 1, rank: 16, targets: ALL, gradientCheckpointing: false },
  { preset: "small", seqLen: 512, batchSize: 1, rank: 8, targets: ["q", "v"], gradientCheckpointing: true },
];

describe("predictPeakMemory", () => {
  it("agrees with the peak RSS of real training steps in fresh processes within 20% (tiny and small presets)", async () => {
    const rows: string[] = [];
    for (const p of POINTS) {
      const measured = await measureInChild({ modelPath: paths[p.preset], seqLen: p.seqLen, batchSize: p.batchSize, rank: p.rank, targets: p.targets, gradientCheckpointing: p.gradientCheckpointing, steps: 1 }, 60_000);
      const shape = modelShapeOf(await inspectModel(paths[p.preset]));
      const predicted = predictPeakMemory(shape, { ...p, quantizedBase: false }).peakMb;
      const error = (predicted - measured.peakRssMb) / measured.peakRssMb;
      rows.push(`${p.preset} seq ${p.seqLen} x ${p.batchSize}, ${p.targets.length} targets${p.gradientCheckpointing ? ", checkpointed" : ""}: measured ${measured.peakRssMb} MB, predicted ${predicted} MB (${(100 * error).toFixed(1)}%)`);
      expect(Math.abs(error), rows.at(-1)).toBeLessThanOrEqual(0.2);
    }
    console.log(rows.join("\n"));
  }, 120_000);

  it("derives the same shape from a GGUF header as from the preset table", async () => {
    const fromFile = modelShapeOf(await inspectModel(paths.small));
    const fromPreset = presetShape("small");
    expect({ ...fromFile, storedBytes: 0 }).toEqual({ ...fromPreset, storedBytes: 0 });
    expect(Math.abs(fromFile.storedBytes - fromPreset.storedBytes) / fromPreset.storedBytes).toBeLessThan(0.05); // the header and vocabulary
  });

  it("grows as the settings say it should", () => {
    const m = presetShape("w576-4l-v4k");
    const base = { seqLen: 256, batchSize: 1, rank: 8, targets: ["q", "v"] as Projection[], gradientCheckpointing: false, quantizedBase: false };
    const peak = (o: Partial<typeof base>) => predictPeakMemory(m, { ...base, ...o }).peakMb;
    expect(peak({ seqLen: 512 })).toBeGreaterThan(peak({}));
    expect(peak({ batchSize: 4 })).toBeGreaterThan(peak({ batchSize: 2 }));
    expect(peak({ targets: ALL, rank: 16 })).toBeGreaterThan(peak({}));
    expect(peak({ gradientCheckpointing: true, seqLen: 1024 })).toBeLessThan(peak({ seqLen: 1024 }));
    // A tied head keeps a transposed copy; a Q8_0 base kept quantized holds about a quarter of the F32 bytes.
    const tied = presetShape("smollm2-135m");
    expect(memoryFeatures(tied, base).weights).toBe(tied.parameters + tied.vocab * tied.dim);
    const q8 = presetShape("smollm2-135m", 34 / 32);
    expect(predictPeakMemory(q8, { ...base, quantizedBase: true }).parts.weights).toBeLessThan(0.5 * predictPeakMemory(q8, base).parts.weights);
  });
});
