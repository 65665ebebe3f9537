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
