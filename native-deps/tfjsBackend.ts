import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { registerFastWasmKernels } from "./wasmKernels/registerFastWasmKernels";
import { wasmBinaryDir } from "./wasmBinaryDir";
import { NoWebgpuAdapterError, openDawnAdapter, type DawnAdapter } from "./webgpu/openDawnAdapter";
import { registerWebgpuKernelFixes } from "./webgpu/registerWebgpuKernelFixes";
import { softwareAdapterReason } from "./webgpu/softwareAdapterReason";
import { describeAdapter, type WebgpuAdapterSummary } from "./webgpu/WebgpuAdapterSummary";

export type TfjsBackendName = "tensorflow-gpu" | "webgpu" | "tensorflow" | "wasm" | "cpu";

export interface BackendAttempt {
  name: TfjsBackendName;
  ok: boolean;
  /** Why it was chosen, or why not: the load error's first line, or that a preferred backend loaded. */
  reason: string;
  /** webgpu: the adapter Dawn offered, chosen or not. */
  adapter?: WebgpuAdapterSummary;
}

export interface TfjsInit {
  tf: typeof tf;
  backend: TfjsBackendName;
  attempts: BackendAttempt[];
  /** Threads the backend computes with (1 for wasm in Node: see ../shared/docs/TFJS.md, Threads). */
  threads: number;
  /** webgpu: the adapter it trains on. */
  adapter?: WebgpuAdapterSummary;
  /** One line when WebGPU was tried and not used: why, and the backend used instead. */
  gpuNotice?: string;
}

export const TFJS_BACKENDS: readonly TfjsBackendName[] = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"];

export class BackendUnavailableError extends Error {
  override name = "BackendUnavailableError";
}

const NOT_INSTALLED = "not installed (optional dependency; its install needs libtensorflow from a host this machine cannot reach)";
const SKIPPED = "skipped: a preferred backend loaded";
const WEBGPU_PACKAGE = "@tensorflow/tfjs-backend-webgpu";

let dawn: DawnAdapter | undefined;

let initialized: Promise<TfjsInit> | undefined;

/**
 * Chooses the TensorFlow.js backend: tensorflow-gpu, webgpu (on a hardware adapter only), tensorflow, wasm, cpu,
 * the first that loads. A software WebGPU adapter (SwiftShader, llvmpipe, WARP, a fallback adapter) is used only
 * when webgpu is forced. `prefer` (or
 * LORA_STUDIO_BACKEND) forces one and fails naming why it could not load. Idempotent: a second call returns the
 * first result. Note: even when a later call prefers another backend, since tfjs keeps one process-wide
 * backend and training state would straddle two; a different backend needs a new process.
 */
export function initTfjs(options: { prefer?: TfjsBackendName } = {}): Promise<TfjsInit> {
  initialized ??= chooseBackend(options.prefer ?? envPreference()).catch((error: unknown) => {
    initialized = undefined; // a failed forced choice may be retried with another preference
    throw error;
  });
  return initialized;
}

function envPreference(): TfjsBackendName | undefined {
  const value = process.env.LORA_STUDIO_BACKEND;
  if (!value) return undefined;
  if (!(TFJS_BACKENDS as readonly string[]).includes(value)) {
    throw new BackendUnavailableError(`LORA_STUDIO_BACKEND=${value} is not a tfjs backend; use one of ${TFJS_BACKENDS.join(", ")}`);
  }
  return value as TfjsBackendName;
}

async function chooseBackend(prefer: TfjsBackendName | undefined): Promise<TfjsInit> {
  // Note: tfjs-core's Node build registers no gradients (its register_all_gradients file is ESM-only); the
  // @tensorflow/tfjs bundle registers them in the process-wide registry that tfjs-core reads. About 0.3 s.
  await import("@tensorflow/tfjs");
  const order = prefer ? [prefer] : TFJS_BACKENDS;
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const failure = await tryBackend(name, prefer === name);
    const adapter = name === "webgpu" ? dawn?.summary : undefined;
    if (name === "webgpu" && failure !== undefined) releaseDawn();
    if (failure === undefined) {
      attempts.push({ name, ok: true, reason: prefer ? "forced" : "first in order that loaded", ...(adapter && { adapter }) });
      for (const rest of order.slice(order.indexOf(name) + 1)) attempts.push({ name: rest, ok: false, reason: SKIPPED });
      const webgpu = attempts.find((a) => a.name === "webgpu" && !a.ok);
      const gpuNotice = webgpu && `WebGPU not used: ${webgpu.reason}; training on ${name} instead`;
      return { tf, backend: name, attempts, threads: threadsOf(name), ...(adapter && { adapter }), ...(gpuNotice && { gpuNotice }) };
    }
    attempts.push({ name, ok: false, reason: failure, ...(adapter && { adapter }) });
  }
  const why = attempts.map((a) => `${a.name}: ${a.reason}`).join("; ");
  throw new BackendUnavailableError(prefer ? `tfjs backend "${prefer}" could not load: ${why}` : `no tfjs backend could load: ${why}`);
}

/** Loads and activates one backend; returns why it failed, or undefined on success. */
async function tryBackend(name: TfjsBackendName, forced: boolean): Promise<string | undefined> {
  try {
    switch (name) {
      case "webgpu":
        return await tryWebgpu(forced);
      case "tensorflow-gpu":
      case "tensorflow": {
        const pkg = name === "tensorflow-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
        const failure = await importOptional(pkg);
        if (failure) return failure;
        return (await tf.setBackend("tensorflow")) ? undefined : `${pkg} loaded but backend "tensorflow" did not initialize`;
      }
      case "wasm": {
        const wasm = await import("@tensorflow/tfjs-backend-wasm");
        // A file path: in Node the loader then reads the binary from disk; nothing is fetched.
        wasm.setWasmPaths(wasmBinaryDir());
        if (!(await tf.setBackend("wasm"))) return "backend wasm did not initialize";
        registerFastWasmKernels(tf);
        return undefined;
      }
      case "cpu":
        await import("@tensorflow/tfjs-backend-cpu");
        return (await tf.setBackend("cpu")) ? undefined : "backend cpu did not initialize";
      default:
        return name satisfies never;
    }
  } catch (error) {
    return firstLine(error);
  }
}

/** webgpu through Dawn's Node binding, on a hardware adapter unless forced (../shared/docs/WEBGPU.md). */
async function tryWebgpu(forced: boolean): Promise<string | undefined> {
  try {
    dawn = await openDawnAdapter();
  } catch (error) {
    if (error instanceof NoWebgpuAdapterError) return error.message;
    throw error;
  }
  const software = softwareAdapterReason(dawn.summary);
  if (software && !forced) return `${software}: ${describeAdapter(dawn.summary)}; never chosen unless forced with LORA_STUDIO_BACKEND=webgpu`;
  const failure = await importOptional(WEBGPU_PACKAGE);
  if (failure) return failure === NOT_INSTALLED ? `${WEBGPU_PACKAGE} is not installed (optional dependency)` : failure;
  const specifier: string = WEBGPU_PACKAGE;
  const { WebGPUBackend } = (await import(specifier)) as { WebGPUBackend: new (device: unknown, info: unknown) => tf.KernelBackend };
  const { adapter } = dawn;
  const limits = adapter.limits;
  // The limits and features tfjs's own factory asks for (it would request a second adapter through navigator.gpu).
  // Storage buffers per shader stay at WebGPU's default (8), as on the weakest GPUs: tfjs's AddN fails past it.
  const device = await adapter.requestDevice({
    requiredFeatures: ["timestamp-query"].filter((f) => adapter.features.has(f)),
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", () => {
    // The backend's constructor checks navigator.gpu; nothing reads it later, and keeping it would keep the process alive.
    const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: unknown };
    Object.defineProperty(nav, "gpu", { value: {}, configurable: true, writable: true });
    try {
      return new WebGPUBackend(device, adapter.info);
    } finally {
      delete nav.gpu;
    }
  }, 3);
  if (!(await tf.setBackend("webgpu"))) return "backend webgpu did not initialize";
  registerWebgpuKernelFixes(tf);
  return undefined;
}

function releaseDawn(): void {
  dawn?.release();
  dawn = undefined;
}

/**
 * Gives the backend's resources back: on webgpu the device and the GPU object Dawn's `create()` returned, without
 * which the process cannot exit. Training must not continue afterwards; a later initTfjs chooses again.
 */
export async function releaseTfjs(): Promise<void> {
  const init = await initialized?.catch(() => undefined);
  initialized = undefined;
  if (init?.backend === "webgpu") {
    const backend = tf.findBackend("webgpu") as unknown as { device?: { destroy(): void } } | null;
    if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
    backend?.device?.destroy();
  }
  releaseDawn();
}

async function importOptional(pkg: string): Promise<string | undefined> {
  try {
    // A variable specifier: these packages are optional and usually absent, so neither tsc nor a bundler may resolve them.
    const specifier: string = pkg;
    await import(specifier);
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = firstLine(error);
    const missingItself = (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(`'${pkg}'`);
    if (missingItself) return NOT_INSTALLED;
    // tfjs-node unpacked without its native binding (installed with scripts off, or its download failed).
    if (/tfjs_binding\.node\)? can not be found/.test(message)) return `${NOT_INSTALLED}: the package is there without its native binding`;
    return message;
  }
}

function threadsOf(name: TfjsBackendName): number {
  // libtensorflow sizes its thread pools to the machine; the cpu backend is single-threaded JavaScript.
  if (name === "tensorflow" || name === "tensorflow-gpu") return availableParallelism();
  if (name === "cpu" || name === "webgpu") return 1; // webgpu: one thread feeds the GPU
  const backend = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  return backend.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === "object" && error && "message" in error ? String(error.message) : String(error);
  return message.split("\n")[0];
}
