import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clearHardwareCache, probeHardware, type HardwareProbes } from "../../../electron/app/hardware/probeHardware";

const dir = mkdtempSync(join(tmpdir(), "probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("probeHardware", () => {
  it("reports this machine, and answers in under a second after the first call", async () => {
    clearHardwareCache();
    const cacheFile = join(dir, "hardware.json");
    const first = await probeHardware({ cacheFile });
    expect(first.cached).toBe(false);
    expect(first.cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(first.cpu.physicalCores).toBeGreaterThanOrEqual(1);
    expect(first.cpu.model.length).toBeGreaterThan(0);
    expect(first.memory.totalMb).toBeGreaterThan(first.memory.availableMb / 2);
    expect(first.memory.availableMb).toBeGreaterThan(0);
    expect(first.os.length).toBeGreaterThan(0);
    expect(first.tfjs.chosen).toBe("wasm"); // tfjs-node is not installed here
    expect(first.tfjs.backends.map((b) => b.name)).toEqual(["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"]);
    expect(first.llamaCpp.ok).toBe(true);
    expect(Array.isArray(first.gpus)).toBe(true);
    const started = performance.now();
    const second = await probeHardware({ cacheFile });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(second.cached).toBe(true);
    expect(JSON.parse(readFileSync(cacheFile, "utf8")).cpu).toEqual(first.cpu);
  }, 60_000);

  it("reuses the cache file in a new process, re-reads available memory each call, and probes again on refresh or a bad cache", async () => {
    const calls = { machine: 0, llamaCpp: 0, tfjs: 0, memory: 0 };
    const probes: HardwareProbes = {
      machine: async () => (calls.machine++, { os: "TestOS", cpu: { model: "Test CPU", physicalCores: 4, logicalCores: 8 }, gpus: [{ vendor: "NVIDIA", model: "RTX", vramMb: 8192 }] }),
      llamaCpp: async () => (calls.llamaCpp++, { ok: true, gpu: "cuda" as const, devices: ["RTX"], vramTotalMb: 8192, vramFreeMb: 7000 }),
      tfjs: async () => (calls.tfjs++, { chosen: "wasm" as const, backends: [{ name: "wasm", ok: true, reason: "first" }] }),
      availableMemory: async () => (calls.memory++, { totalMb: 32000, availableMb: 20000 - calls.memory }),
    };
    const cacheFile = join(dir, "fake.json");
    clearHardwareCache();
    const a = await probeHardware({ cacheFile, probes });
    clearHardwareCache(); // as a new process would start
    const b = await probeHardware({ cacheFile, probes });
    expect(b.cached).toBe(true);
    expect(b.llamaCpp.vramFreeMb).toBe(7000);
    expect(calls).toEqual({ machine: 1, llamaCpp: 1, tfjs: 1, memory: 2 });
    expect(b.memory.availableMb).toBe(a.memory.availableMb - 1);
    await probeHardware({ cacheFile, probes, refresh: true });
    expect(calls.machine).toBe(2);
    clearHardwareCache();
    writeFileSync(cacheFile, "{not json");
    expect((await probeHardware({ cacheFile, probes })).cached).toBe(false);
    expect(calls.machine).toBe(3);
  });
});
