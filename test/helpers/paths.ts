import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The workplace's shared/ folder, beside the checkout (CI lays a copy there too). */
export const sharedDir = process.env.LORA_STUDIO_SHARED ?? resolve(repoRoot, "../shared");

/** llama-2-tiny-random.gguf: written by llama.cpp's own converter with the real Llama 2 tokenizer. */
export const llama2TinyFixture = join(sharedDir, "fixtures/llama-2-tiny-random.gguf");

export function requireFixture(path: string): string {
  if (!existsSync(path)) throw new Error(`test fixture ${path} is missing: the shared/ folder must sit beside the checkout (or set LORA_STUDIO_SHARED)`);
  return path;
}
