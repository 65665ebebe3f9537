import { describe, expect, it } from "vitest";
import { learningRate, type LrScheduleConfig } from "../../../electron/engine/training/learningRate";

const base: LrScheduleConfig = { lr: 1e-3, schedule: "cosine", warmupSteps: 10, totalSteps: 110, minLrRatio: 0 };
const at = (step: number, c: Partial<LrScheduleConfig> = {}) => learningRate(step, { ...base, ...c });

describe("learningRate", () => {
  it("warms up linearly from above 0 to lr, reaching lr at step warmupSteps", () => {
    const warm = Array.from({ length: 10 }, (_, s) => at(s));
    expect(warm[0]).toBeGreaterThan(0); // the first step is not wasted at lr 0
    for (let s = 1; s < 10; s++) {
      expect(warm[s]!).toBeGreaterThan(warm[s - 1]!);
      expect(warm[s]! - warm[s - 1]!).toBeCloseTo(warm[1]! - warm[0]!, 15); // linear
      expect(warm[s]!).toBeLessThan(1e-3);
    }
    expect(at(10)).toBeCloseTo(1e-3, 15);
    // Warmup is the same for every schedule.
    for (const schedule of ["linear", "constant"] as const) for (let s = 0; s < 10; s++) expect(at(s, { schedule })).toBe(warm[s]);
  });

  it("cosine: lr after warmup, half-way at the midpoint, the floor at totalSteps and beyond", () => {
    expect(at(10)).toBeCloseTo(1e-3, 15);
    expect(at(60)).toBeCloseTo(0.5e-3, 15);
    expect(at(35)).toBeCloseTo(1e-3 * 0.5 * (1 + Math.cos(Math.PI / 4)), 15);
    expect(at(110)).toBeCloseTo(0, 15);
    expect(at(500)).toBeCloseTo(0, 15);
    for (let s = 11; s <= 110; s++) expect(at(s)).toBeLessThan(at(s - 1));
  });

  it("linear: straight line from lr to the floor", () => {
    const c = { schedule: "linear" as const };
    expect(at(10, c)).toBeCloseTo(1e-3, 15);
    expect(at(35, c)).toBeCloseTo(0.75e-3, 15);
    expect(at(60, c)).toBeCloseTo(0.5e-3, 15);
    expect(at(110, c)).toBeCloseTo(0, 15);
    expect(at(200, c)).toBeCloseTo(0, 15);
  });

  it("constant: lr after warmup, whatever minLrRatio says", () => {
    for (const s of [10, 50, 110, 1000]) expect(at(s, { schedule: "constant", minLrRatio: 0.3 })).toBe(1e-3);
  });

  it("minLrRatio is the floor of cosine and linear decay", () => {
    for (const schedule of ["cosine", "linear"] as const) {
      const c = { schedule, minLrRatio: 0.1 };
      expect(at(10, c)).toBeCloseTo(1e-3, 15);
      expect(at(60, c)).toBeCloseTo(0.55e-3, 15);
      expect(at(110, c)).toBeCloseTo(1e-4, 15);
      expect(at(400, c)).toBeCloseTo(1e-4, 15);
      for (let s = 0; s < 400; s++) expect(at(s, c)).toBeLessThanOrEqual(1e-3 + 1e-18);
    }
  });

  it("no warmup starts at lr; a single-step run uses lr", () => {
    expect(at(0, { warmupSteps: 0 })).toBeCloseTo(1e-3, 15);
    expect(at(50, { warmupSteps: 0, totalSteps: 100 })).toBeCloseTo(0.5e-3, 15);
    expect(at(0, { warmupSteps: 0, totalSteps: 1 })).toBeCloseTo(1e-3, 15);
    expect(Number.isFinite(at(0, { warmupSteps: 5, totalSteps: 5 }))).toBe(true);
    expect(at(5, { warmupSteps: 5, totalSteps: 5 })).toBeCloseTo(1e-3, 15); // decay span 0 -> clamped, no NaN
  });
});
