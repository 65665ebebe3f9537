import si from "systeminformation";
import { initTfjs, releaseTfjs, type BackendAttempt, type TfjsBackendName } from "./tfjsBackend";
import type { WebgpuAdapterSummary } from "./webgpu/WebgpuAdapterSummary";
import { configureNativeMatMul, type NativeMatMulState } from "./nativeMatmul/nativeMatMul";
import { fastWasmKernelsActive } from "./wasmKernels/registerFastWasmKernels";

export interface DoctorReport {
  tfjs: {
    backend: TfjsBackendName;
    attempts: BackendAttempt[];
    fastWasmKernels: boolean;
    /** MLAS (onnxruntime-node) for the wasm backend's large matmuls: in use, or why not. */
    nativeMatMul: NativeMatMulState;
    version: string;
    /** The WebGPU adapter Dawn offered (chosen or not), absent where there is none. */
    webgpuAdapter?: WebgpuAdapterSummary;
    /** One line when WebGPU was not used: why, and the backend used instead. */
    gpuNotice?: string;
  };
  llamaCpp: {
    ok: boolean;
    /** The GPU llama.cpp computes on; false for the CPU, also when a GPU build loaded but sees no GPU device. */
    gpu: false | "metal" | "cuda" | "vulkan";
    buildType?: string;
    gpuDevices: string[];
    vram?: { total: number; free: number };
    /** Why a GPU build that loaded is not used (a CPU-only Vulkan driver such as Mesa's lavapipe). */
    gpuNote?: string;
    error?: string;
  };
  machine: {
    os: string;
    cpu: string;
    physicalCores: number;
    logicalCores: number;
    memoryTotal: number;
    memoryAvailable: number;
    gpus: { vendor: string; model: string; vramMB: number | null }[];
  };
  node: string;
}

/** What this machine can run: the tfjs backend chosen (and why not the others), llama.cpp's build and GPU, the hardware. */
export async function runDoctor(): Promise<DoctorReport> {
  // Independent probes: run them side by side (systeminformation spawns tools, llama.cpp loads its addon).
  const [tfjs, llamaCpp, machine] = await Promise.all([probeTfjs(), probeLlamaCpp(), probeMachine()]);
  return { tfjs, llamaCpp, machine, node: process.version };
}

async function probeTfjs(): Promise<DoctorReport["tfjs"]> {
  const init = await initTfjs();
  const webgpuAdapter = init.attempts.find((a) => a.name === "webgpu")?.adapter;
  const report = {
    backend: init.backend,
    attempts: init.attempts,
    fastWasmKernels: init.backend === "wasm" && fastWasmKernelsActive(init.tf),
    nativeMatMul: configureNativeMatMul(),
    version: init.tf.version_core,
    ...(webgpuAdapter && { webgpuAdapter }),
    ...(init.gpuNotice && { gpuNotice: init.gpuNotice }),
  };
  // The doctor only looks: give the GPU back (a held Dawn device keeps the process from exiting).
  await releaseTfjs();
  return report;
}

/** llama.cpp's build and GPU as node-llama-cpp reports them; also used by the app's hardware probe. */
export async function probeLlamaCpp(): Promise<DoctorReport["llamaCpp"]> {
  try {
    const { getLlama } = await import("node-llama-cpp");
    // Note: build "never": the doctor reports what is installed; it never compiles llama.cpp or downloads a build.
    const llama = await getLlama({ gpu: "auto", build: "never", progressLogs: false, skipDownload: true });
    try {
      const vram = llama.gpu === false ? undefined : await llama.getVramState();
      const devices = llama.gpu === false ? [] : await llama.getGpuDeviceNames();
      return { ok: true, buildType: llama.buildType, ...usableLlamaGpu(llama.gpu, devices, vram && { total: vram.total, free: vram.free }) };
    } finally {
      await llama.dispose();
    }
  } catch (error) {
    return { ok: false, gpu: false, gpuDevices: [], error: (error instanceof Error ? error.message : String(error)).split("\n")[0] };
  }
}

/**
 * The GPU llama.cpp really has. Note: with a CPU-only Vulkan driver installed (Debian's mesa-vulkan-drivers: lavapipe),
 * node-llama-cpp loads its Vulkan build and finds zero devices and no VRAM; that machine computes on the CPU, and the
 * hardware chip and the recommender must say so.
 */
export function usableLlamaGpu(
  gpu: DoctorReport["llamaCpp"]["gpu"],
  devices: string[],
  vram: { total: number; free: number } | undefined,
): Pick<DoctorReport["llamaCpp"], "gpu" | "gpuDevices" | "vram" | "gpuNote"> {
  if (gpu === false) return { gpu: false, gpuDevices: [] };
  if (devices.length === 0 || !vram || vram.total <= 0) {
    return { gpu: false, gpuDevices: [], gpuNote: `llama.cpp's ${gpu} build loaded but sees no GPU device (${devices.length} devices, ${vram?.total ?? 0} bytes of VRAM: a CPU-only driver); chat and scoring run on the CPU` };
  }
  return { gpu, gpuDevices: devices, vram };
}

/** The machine as systeminformation reports it; also used by the app's hardware probe. */
export async function probeMachine(): Promise<DoctorReport["machine"]> {
  const [cpu, mem, os, graphics] = await Promise.all([si.cpu(), si.mem(), si.osInfo(), si.graphics().catch(() => ({ controllers: [] }))]);
  return {
    os: [os.distro, os.release, os.arch].filter(Boolean).join(" "),
    cpu: [cpu.manufacturer, cpu.brand].filter(Boolean).join(" "),
    physicalCores: cpu.physicalCores,
    logicalCores: cpu.cores,
    memoryTotal: mem.total,
    memoryAvailable: mem.available,
    gpus: graphics.controllers.map((c) => ({ vendor: c.vendor, model: c.model, vramMB: c.vram ?? null })),
  };
}
