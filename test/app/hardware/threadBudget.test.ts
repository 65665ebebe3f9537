import { describe, expect, it } from "vitest";
import { installThreadBudget, physicalCores, planThreads, SMALL_MODEL_BYTES, threadBudget, threadsFor, trainingStarted } from "../../../electron/app/hardware/threadBudget";
import { llamaThreads, setLlamaThreadProvider } from "../../../electron/engine/inference/llamaRuntime";

const big = 500 * 2 ** 20;

describe("planThreads", () => {
  it("gives the trainer every core and llama.cpp all but one when nothing trains", () => {
    expect(planThreads({ physicalCores: 8, trainingRuns: 0, modelBytes: big })).toEqual({ train: 8, chat: 7, score: 7, evaluate: 7 });
    expect(planThreads({ physicalCores: 2, trainingRuns: 0, modelBytes: big })).toEqual({ train: 2, chat: 1, score: 1, evaluate: 1 });
    expect(planThreads({ physicalCores: 1, trainingRuns: 0 })).toEqual({ train: 1, chat: 1, score: 1, evaluate: 1 });
  });

  it("leaves llama.cpp one or two threads while a run trains, and the trainer the rest from 4 cores", () => {
    expect(planThreads({ physicalCores: 8, trainingRuns: 1, modelBytes: big })).toEqual({ train: 6, chat: 2, score: 2, evaluate: 2 });
    expect(planThreads({ physicalCores: 4, trainingRuns: 1, modelBytes: big })).toEqual({ train: 3, chat: 1, score: 1, evaluate: 1 });
    // Below 4 cores the trainer keeps both: its MLAS threads sleep (no spinning) when a chat needs the core.
    expect(planThreads({ physicalCores: 2, trainingRuns: 1, modelBytes: big })).toEqual({ train: 2, chat: 1, score: 1, evaluate: 1 });
    // Two runs split the trainer's share.
    expect(planThreads({ physicalCores: 8, trainingRuns: 2, modelBytes: big }).train).toBe(3);
  });

  it("gives a small model one llama.cpp thread whatever the machine", () => {
    expect(planThreads({ physicalCores: 16, trainingRuns: 0, modelBytes: SMALL_MODEL_BYTES - 1 }).chat).toBe(1);
    expect(planThreads({ physicalCores: 16, trainingRuns: 0, modelBytes: SMALL_MODEL_BYTES }).chat).toBe(15);
  });

  it("names a bad input", () => {
    expect(() => planThreads({ physicalCores: 0, trainingRuns: 0 })).toThrow(/physicalCores must be an integer >= 1, got 0/);
    expect(() => planThreads({ physicalCores: 4, trainingRuns: -1 })).toThrow(/trainingRuns must be an integer >= 0, got -1/);
  });
});

describe("the process's budget", () => {
  it("counts physical cores no more than this process may use", () => {
    const n = physicalCores();
    expect(Number.isInteger(n) && n >= 1).toBe(true);
  });

  it("changes while a run trains and back when it ends (each release counts once)", () => {
    const before = threadBudget({ modelBytes: big });
    const release = trainingStarted();
    const during = threadBudget({ modelBytes: big });
    expect(during).toEqual(planThreads({ physicalCores: physicalCores(), trainingRuns: 1, modelBytes: big }));
    expect(during.chat).toBeLessThanOrEqual(2);
    release();
    release();
    expect(threadBudget({ modelBytes: big })).toEqual(before);
  });

  it("lets an explicit request win", () => {
    expect(threadsFor("chat", { requested: 3, modelBytes: 10 })).toBe(3);
    expect(threadsFor("chat", { requested: 0, modelBytes: 10 })).toBe(1);
  });

  it("is what the engine's llama.cpp contexts use once installed (never llama.cpp's default)", () => {
    const previous = setLlamaThreadProvider(undefined);
    try {
      expect(llamaThreads("chat", undefined, big)).toBe(1); // nothing installed: one thread, explicitly
      installThreadBudget();
      expect(llamaThreads("evaluate", undefined, big)).toBe(threadBudget({ modelBytes: big }).evaluate);
      expect(llamaThreads("score", undefined, 1000)).toBe(1);
      expect(llamaThreads("chat", 5, big)).toBe(5);
      setLlamaThreadProvider(() => 0);
      expect(() => llamaThreads("chat", undefined, big)).toThrow(/threads for chat must be an integer >= 1, got 0/);
    } finally {
      setLlamaThreadProvider(previous);
    }
  });
});
