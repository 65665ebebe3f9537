import { summarizeAdapter, type WebgpuAdapterSummary } from "./WebgpuAdapterSummary";
import { vulkanLoaderFound } from "./vulkanLoaderFound";

/** A WebGPU adapter from Dawn's Node binding (the `webgpu` npm package), with what keeps the process alive. */
export interface DawnAdapter {
  adapter: GPUAdapterLike;
  summary: WebgpuAdapterSummary;
  /** Drops the GPU object `create()` returned: the process cannot exit while it is referenced. */
  release(): void;
}

// The few WebGPU members used here; the `webgpu` package's own types need DOM lib types this project does not load.
export interface GPUAdapterLike {
  info?: Record<string, unknown>;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number } & Record<string, number>;
  features: { has(name: string): boolean };
  requestDevice(descriptor?: unknown): Promise<GPUDeviceLike>;
}
export interface GPUDeviceLike {
  limits: Record<string, number>;
  lost: Promise<{ reason: string; message: string }>;
  destroy(): void;
}
interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: unknown): Promise<GPUAdapterLike | null> };
  globals: Record<string, unknown>;
}

/** Thrown with the one-line reason no adapter is at hand (package absent, no driver, no GPU). */
export class NoWebgpuAdapterError extends Error {
  override name = "NoWebgpuAdapterError";
}

/**
 * Loads dawn.node and asks for the high-performance adapter. Installs WebGPU's globals (GPUBufferUsage, ...) on
 * globalThis, as @tensorflow/tfjs-backend-webgpu expects. Refuses to run inside Electron: dawn.node hands out
 * external ArrayBuffers, which Electron's V8 memory cage forbids (see electron/worker/README.md).
 */
export async function openDawnAdapter(): Promise<DawnAdapter> {
  if (process.versions.electron) {
    throw new NoWebgpuAdapterError("dawn.node cannot run inside Electron (its external ArrayBuffers are forbidden by the V8 memory cage); the app trains on WebGPU in a window instead");
  }
  if (!vulkanLoaderFound()) throw new NoWebgpuAdapterError("no Vulkan loader (libvulkan.so.1) on this machine, so no WebGPU adapter: install libvulkan1 and the GPU's Vulkan driver");
  let dawn: DawnModule;
  try {
    const specifier: string = "webgpu"; // optional and ESM-only: resolved at run time, never by tsc or a bundler
    dawn = (await import(specifier)) as DawnModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String((error as Error).message).includes("'webgpu'");
    throw new NoWebgpuAdapterError(missing ? "the webgpu package (Dawn) is not installed (optional dependency)" : `dawn.node did not load: ${firstLine(error)}`);
  }
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  let gpu: ReturnType<DawnModule["create"]> | undefined = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    gpu = undefined;
    const hint = process.platform === "linux" ? " (no Vulkan driver: install the GPU's Vulkan ICD and libvulkan1)" : "";
    throw new NoWebgpuAdapterError(`Dawn found no WebGPU adapter on this machine${hint}`);
  }
  return {
    adapter,
    summary: summarizeAdapter(adapter as never),
    release: () => {
      gpu = undefined;
    },
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
