import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { registerFastWasmKernels } from "./wasmKernels/registerFastWasmKernels";
import { wasmBinaryDir } from "./wasmBinaryDir";

export type TfjsBackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";

export interface BackendAttempt {
  name: TfjsBackendName;
  ok: boolean;
  /** Why it was chosen, or why not: the load error's first line, or that a preferred backend loaded. */
  reason: string;
}

export interface TfjsInit {
  tf: typeof tf;
  backend: TfjsBackendName;
  attempts: BackendAttempt[];
  /** Threads the backend computes with (1 for wasm in Node: see ../shared/docs/TFJS.md, Threads). */
  threads: number;
}

export const TFJS_BACKENDS: readonly TfjsBackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];

export class BackendUnavailableError extends Error {
  override name = "BackendUnavailableError";
}

const NOT_INSTALLED = "not installed (optional dependency; its install needs libtensorflow from a host this machine cannot reach)";
const SKIPPED = "skipped: a preferred backend loaded";

let initialized: Promise<TfjsInit> | undefined;

/**
 * Chooses the TensorFlow.js backend: tensorflow-gpu, tensorflow, wasm, cpu, the first that loads. `prefer` (or
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
    const failure = await tryBackend(name);
    if (failure === undefined) {
      attempts.push({ name, ok: true, reason: prefer ? "forced" : "first in order that loaded" });
      for (const rest of order.slice(order.indexOf(name) + 1)) attempts.push({ name: rest, ok: false, reason: SKIPPED });
      return { tf, backend: name, attempts, threads: threadsOf(name) };
    }
    attempts.push({ name, ok: false, reason: failure });
  }
  const why = attempts.map((a) => `${a.name}: ${a.reason}`).join("; ");
  throw new BackendUnavailableError(prefer ? `tfjs backend "${prefer}" could not load: ${why}` : `no tfjs backend could load: ${why}`);
}

/** Loads and activates one backend; returns why it failed, or undefined on success. */
async function tryBackend(name: TfjsBackendName): Promise<string | undefined> {
  try {
    switch (name) {
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
    return missingItself ? NOT_INSTALLED : message;
  }
}

function threadsOf(name: TfjsBackendName): number {
  // libtensorflow sizes its thread pools to the machine; the cpu backend is single-threaded JavaScript.
  if (name === "tensorflow" || name === "tensorflow-gpu") return availableParallelism();
  if (name === "cpu") return 1;
  const backend = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  return backend.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === "object" && error && "message" in error ? String(error.message) : String(error);
  return message.split("\n")[0];
}
