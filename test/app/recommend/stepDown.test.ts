import { describe, expect, it } from "vitest";
import { stepDown } from "../../../electron/app/recommend/stepDown";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";

describe("stepDown", () => {
  it("halves the batch (keeping the effective batch), then checkpoints, then shortens the sequence, then gives up", () => {
    let config = TrainConfigSchema.parse({ batchSize: 4, gradAccum: 4, seqLen: 512 });
    const trail: string[] = [];
    for (let attempt = 1; ; attempt++) {
      const next = stepDown(config, attempt);
      if (!next) break;
      expect(next.attempt).toBe(attempt + 1);
      expect(next.reason.en.length).toBeGreaterThan(20);
      expect(next.reason.zh).toMatch(/[\u4e00-\u9fff]/);
      trail.push(`${next.change.field}:${next.change.from}->${next.change.to}`);
      if (next.change.field === "batchSize") expect(next.config.batchSize * next.config.gradAccum).toBe(config.batchSize * config.gradAccum);
      config = next.config;
    }
    expect(trail).toEqual(["batchSize:4->2", "batchSize:2->1", "gradientCheckpointing:false->true", "seqLen:512->256", "seqLen:256->128", "seqLen:128->64"]);
    expect(config).toMatchObject({ batchSize: 1, gradAccum: 16, gradientCheckpointing: true, seqLen: 64 });
  });

  it("keeps sequence lengths on the 16-token grid and never below 64", () => {
    const next = stepDown(TrainConfigSchema.parse({ batchSize: 1, gradientCheckpointing: true, seqLen: 200 }), 1);
    expect(next?.config.seqLen).toBe(96);
    expect(stepDown(TrainConfigSchema.parse({ batchSize: 1, gradientCheckpointing: true, seqLen: 80 }), 1)?.config.seqLen).toBe(64);
    expect(stepDown(TrainConfigSchema.parse({ batchSize: 1, gradientCheckpointing: true, seqLen: 64 }), 1)).toBeNull();
  });
});

describe("looksOutOfMemory", () => {
  it("recognises the ways a training process runs out of memory, and nothing else", async () => {
    const { looksOutOfMemory } = await import("../../../electron/app/recommend/looksOutOfMemory");
    const died = (signal: NodeJS.Signals | null, exitCode: number | null) => ({ status: "died" as const, signal, exitCode, cause: "" });
    const failed = (message: string) => ({ status: "failed" as const, error: { code: "RuntimeError", message } });
    expect(looksOutOfMemory(died("SIGKILL", null))).toBe(true);
    expect(looksOutOfMemory(died(null, 137))).toBe(true);
    expect(looksOutOfMemory(failed("memory access out of bounds"))).toBe(true);
    expect(looksOutOfMemory(failed("RangeError: Array buffer allocation failed"))).toBe(true);
    expect(looksOutOfMemory(died("SIGTERM", null))).toBe(false);
    expect(looksOutOfMemory(died(null, 1))).toBe(false);
    expect(looksOutOfMemory(failed("no checkpoint to resume from in /x"))).toBe(false);
  });
});
