import type { Llama } from "node-llama-cpp";

let llamaPromise: Promise<Llama> | undefined;

/**
 * The process's one llama.cpp runtime. Note: `build: "never"` because the app must never compile
 * llama.cpp or download a build at run time; the prebuilt binaries arrive as npm packages.
 */
export function getLlamaRuntime(gpu: "auto" | false = "auto"): Promise<Llama> {
  llamaPromise ??= import("node-llama-cpp").then(({ getLlama }) => getLlama({ gpu, build: "never", logLevel: "error" as never }));
  return llamaPromise;
}

/** What a llama.cpp context is for: the app's thread budget gives each its own share. */
export type LlamaThreadUse = "chat" | "score" | "evaluate";
export type LlamaThreadProvider = (use: LlamaThreadUse, modelBytes: number) => number;

let threadProvider: LlamaThreadProvider | undefined;

/**
 * Installs the app's thread budget (electron/app/hardware/threadBudget.ts does, on import) as the source of every
 * llama.cpp context's thread count. Returns the previous provider.
 */
export function setLlamaThreadProvider(provider: LlamaThreadProvider | undefined): LlamaThreadProvider | undefined {
  const previous = threadProvider;
  threadProvider = provider;
  return previous;
}

/**
 * The explicit thread count for a new llama.cpp context: the caller's request (> 0), else the installed budget's,
 * else 1. Never llama.cpp's default (every core, whatever else runs: its threads then spin against each other).
 */
export function llamaThreads(use: LlamaThreadUse, requested: number | undefined, modelBytes: number): number {
  const n = requested !== undefined && requested > 0 ? requested : (threadProvider?.(use, modelBytes) ?? 1);
  if (!Number.isInteger(n) || n < 1) throw new Error(`llama.cpp threads for ${use} must be an integer >= 1, got ${n}`);
  return n;
}
