import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const WASM_FILE = "tfjs-backend-wasm-simd.wasm";

/**
 * The folder holding tfjs-backend-wasm's .wasm binaries, with a trailing separator (setWasmPaths joins by plain
 * concatenation). The one place that knows where they live: LORA_STUDIO_WASM_DIR overrides it, and inside a
 * packaged Electron app (an asar archive) they must come from app.asar.unpacked, since the wasm loader reads
 * them with plain fs calls.
 */
export function wasmBinaryDir(): string {
  const override = process.env.LORA_STUDIO_WASM_DIR;
  const candidates: string[] = [];
  if (override) candidates.push(override);
  const packageJson = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
  const dist = path.join(path.dirname(packageJson), "dist");
  candidates.push(dist.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`), dist);
  const found = candidates.find((dir) => existsSync(path.join(dir, WASM_FILE)));
  if (!found) throw new Error(`tfjs wasm binaries (${WASM_FILE}) not found in: ${candidates.join(", ")}`);
  return found.endsWith(path.sep) ? found : found + path.sep;
}
