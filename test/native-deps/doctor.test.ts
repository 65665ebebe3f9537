import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { usableLlamaGpu, type DoctorReport } from "../../native-deps/doctor";
import { SWIFTSHADER_ICD, swiftShaderEnv } from "./swiftShader";

const run = promisify(execFile);

async function doctorJson(env: Record<string, string> = {}, args: string[] = ["--json"]): Promise<{ report: DoctorReport; stdout: string; ms: number }> {
  const t0 = performance.now();
  // No Vulkan driver unless a test gives one: Dawn then finds no adapter (as on a machine without a GPU driver).
  const base = { ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json" };
  const { stdout } = await run(process.execPath, ["bin/lora-studio.js", "doctor", ...args], { env: { ...base, ...env }, timeout: 60_000 });
  if (!args.includes("--json")) return { report: undefined as never, stdout, ms: performance.now() - t0 };
  return { report: JSON.parse(stdout) as DoctorReport, stdout, ms: performance.now() - t0 };
}

describe("lora-studio doctor --json", () => {
  it("prints one JSON line: wasm chosen because tfjs-node is absent, llama.cpp on a CPU build, the machine", async () => {
    const { report, stdout, ms } = await doctorJson();
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(ms).toBeLessThan(30_000);

    expect(report.tfjs.backend).toBe("wasm");
    expect(report.tfjs.fastWasmKernels).toBe(true);
    // onnxruntime-node is an optional dependency: in use here when installed, else the reason is given.
    expect(report.tfjs.nativeMatMul.reason).toMatch(/onnxruntime-node/);
    expect(report.tfjs.version).toMatch(/^4\.22\./);
    expect(report.tfjs.attempts.map((a) => [a.name, a.ok])).toEqual([
      ["tensorflow-gpu", false],
      ["webgpu", false],
      ["tensorflow", false],
      ["wasm", true],
      ["cpu", false],
    ]);
    for (const a of [report.tfjs.attempts[0], report.tfjs.attempts[2]]) expect(a.reason).toMatch(/^not installed \(optional dependency/);
    expect(report.tfjs.attempts[1].reason).toMatch(/^(Dawn found no WebGPU adapter on this machine|no Vulkan loader \(libvulkan\.so\.1\) on this machine)/);
    expect(report.tfjs.webgpuAdapter).toBeUndefined();
    expect(report.tfjs.gpuNotice).toMatch(/^WebGPU not used: (Dawn found no WebGPU adapter on this machine|no Vulkan loader).*; training on wasm instead$/);
    expect(report.tfjs.attempts[4].reason).toBe("skipped: a preferred backend loaded");

    expect(report.llamaCpp.ok).toBe(true);
    // Any machine: a GPU only with devices and VRAM (a Vulkan build with zero devices, as Mesa's lavapipe gives, is the CPU).
    if (report.llamaCpp.gpu) expect(report.llamaCpp.gpuDevices.length).toBeGreaterThan(0);
    else expect(report.llamaCpp.gpuDevices).toEqual([]);
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

  const swiftShader = existsSync(SWIFTSHADER_ICD);
  if (!swiftShader) console.info(`doctor's WebGPU adapter tests skipped: ${SWIFTSHADER_ICD} is absent`);

  it.skipIf(!swiftShader)("names a software adapter, why it was refused and the backend used instead", async () => {
    const { report } = await doctorJson(swiftShaderEnv());
    expect(report.tfjs.backend).toBe("wasm");
    expect(report.tfjs.webgpuAdapter).toMatchObject({ vendor: "google", architecture: "swiftshader", isFallbackAdapter: true });
    expect(report.tfjs.webgpuAdapter!.maxBufferSize).toBeGreaterThan(0);
    expect(report.tfjs.webgpuAdapter!.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(report.tfjs.attempts[1]).toMatchObject({ name: "webgpu", ok: false });
    expect(report.tfjs.attempts[1].reason).toMatch(/^SwiftShader is a software adapter/);
    const { stdout } = await doctorJson(swiftShaderEnv(), []);
    expect(stdout).toMatch(/^WebGPU adapter: google swiftshader \(SwiftShader driver [^)]*\), buffers up to \d+ MiB, bindings up to \d+ MiB, fallback adapter$/m);
    expect(stdout).toMatch(/^WebGPU not used: SwiftShader is a software adapter .*; training on wasm instead$/m);
  });

  it.skipIf(!swiftShader)("uses the software adapter when forced, and the process still exits", async () => {
    const { report, ms } = await doctorJson({ ...swiftShaderEnv(), LORA_STUDIO_BACKEND: "webgpu" });
    expect(report.tfjs.backend).toBe("webgpu");
    expect(report.tfjs.attempts).toEqual([{ name: "webgpu", ok: true, reason: "forced", adapter: report.tfjs.webgpuAdapter }]);
    expect(report.tfjs.gpuNotice).toBeUndefined();
    expect(ms).toBeLessThan(30_000);
  });
});

describe("llama.cpp's GPU", () => {
  it("treats a GPU build of llama.cpp that sees no device as the CPU, and says why", () => {
    expect(usableLlamaGpu("vulkan", [], { total: 0, free: 0 })).toEqual({ gpu: false, gpuDevices: [], gpuNote: expect.stringMatching(/vulkan build loaded but sees no GPU device .*run on the CPU/) });
    expect(usableLlamaGpu("vulkan", ["llvmpipe"], { total: 0, free: 0 }).gpu).toBe(false);
    expect(usableLlamaGpu("cuda", ["NVIDIA H200"], { total: 140e9, free: 139e9 })).toEqual({ gpu: "cuda", gpuDevices: ["NVIDIA H200"], vram: { total: 140e9, free: 139e9 } });
    expect(usableLlamaGpu(false, [], undefined)).toEqual({ gpu: false, gpuDevices: [] });
  });
});
