import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { DoctorReport } from "../../native-deps/doctor";

const run = promisify(execFile);

async function doctorJson(env: Record<string, string> = {}): Promise<{ report: DoctorReport; stdout: string; ms: number }> {
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, ["bin/lora-studio.js", "doctor", "--json"], { env: { ...process.env, ...env }, timeout: 60_000 });
  return { report: JSON.parse(stdout) as DoctorReport, stdout, ms: performance.now() - t0 };
}

describe("lora-studio doctor --json", () => {
  it("prints one JSON line: wasm chosen because tfjs-node is absent, llama.cpp on a CPU build, the machine", async () => {
    const { report, stdout, ms } = await doctorJson();
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(ms).toBeLessThan(30_000);

    expect(report.tfjs.backend).toBe("wasm");
    expect(report.tfjs.fastWasmKernels).toBe(true);
    expect(report.tfjs.version).toMatch(/^4\.22\./);
    expect(report.tfjs.attempts.map((a) => [a.name, a.ok])).toEqual([
      ["tensorflow-gpu", false],
      ["tensorflow", false],
      ["wasm", true],
      ["cpu", false],
    ]);
    for (const a of report.tfjs.attempts.slice(0, 2)) expect(a.reason).toMatch(/^not installed \(optional dependency/);
    expect(report.tfjs.attempts[3].reason).toBe("skipped: a preferred backend loaded");

    expect(report.llamaCpp.ok).toBe(true);
    expect(report.llamaCpp.gpu).toBe(false);
    expect(report.llamaCpp.gpuDevices).toEqual([]);
    expect(report.llamaCpp.buildType).toBeTruthy();

    expect(report.machine.physicalCores).toBeGreaterThanOrEqual(1);
    expect(report.machine.logicalCores).toBeGreaterThanOrEqual(report.machine.physicalCores);
    expect(report.machine.memoryTotal).toBeGreaterThan(report.machine.memoryAvailable);
    expect(report.node).toBe(process.version);
  });

  it("honours LORA_STUDIO_BACKEND", async () => {
    const { report } = await doctorJson({ LORA_STUDIO_BACKEND: "cpu" });
    expect(report.tfjs.backend).toBe("cpu");
    expect(report.tfjs.fastWasmKernels).toBe(false);
    expect(report.tfjs.attempts).toEqual([{ name: "cpu", ok: true, reason: "forced" }]);
  });

  it("fails with one JSON error line naming why a forced backend could not load", async () => {
    const failure = await doctorJson({ LORA_STUDIO_BACKEND: "tensorflow" }).catch((e: { code: number; stdout: string }) => e);
    expect("code" in failure && failure.code).toBe(1);
    const { error } = JSON.parse((failure as { stdout: string }).stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe("BackendUnavailableError");
    expect(error.message).toMatch(/^tfjs backend "tensorflow" could not load: tensorflow: not installed/);
  });
});
