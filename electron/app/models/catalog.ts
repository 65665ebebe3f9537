/** One model the app offers to download: a small instruct GGUF it can train (Q8_0, llama/qwen2/qwen3 architectures). */
export interface CatalogItem {
  id: string;
  name: string;
  family: "llama" | "qwen";
  parameters: string;
  quantization: string;
  /** The file's name in <home>/models and at the end of its URL. */
  file: string;
  /** Approximate size from the model page, for the UI before the download starts; the server's length is used once known. */
  bytes: number;
  /**
   * sha256 of the file, where known. Note: null for every built-in entry: the hashes were not checked against the
   * files when this list was written, and a wrong hash would refuse a good file. A download without one is recorded
   * with the hash it saw and the UI calls it unverified.
   */
  sha256: string | null;
  /** Where the file is downloaded from (the Hugging Face "resolve" URL). */
  url: string;
  license: string;
}

const hf = (repo: string, file: string) => `https://huggingface.co/${repo}/resolve/main/${file}`;

/** The built-in list: small enough to train on a laptop's CPU, instruct-tuned, permissive or community licences. */
export const CATALOG: readonly CatalogItem[] = [
  { id: "qwen2.5-0.5b-instruct-q8_0", name: "Qwen2.5 0.5B Instruct", family: "qwen", parameters: "0.5B", quantization: "Q8_0", file: "qwen2.5-0.5b-instruct-q8_0.gguf", bytes: 676_000_000, sha256: null, url: hf("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q8_0.gguf"), license: "Apache-2.0" },
  { id: "qwen2.5-1.5b-instruct-q8_0", name: "Qwen2.5 1.5B Instruct", family: "qwen", parameters: "1.5B", quantization: "Q8_0", file: "qwen2.5-1.5b-instruct-q8_0.gguf", bytes: 1_890_000_000, sha256: null, url: hf("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q8_0.gguf"), license: "Apache-2.0" },
  { id: "qwen3-0.6b-q8_0", name: "Qwen3 0.6B", family: "qwen", parameters: "0.6B", quantization: "Q8_0", file: "Qwen3-0.6B-Q8_0.gguf", bytes: 639_000_000, sha256: null, url: hf("Qwen/Qwen3-0.6B-GGUF", "Qwen3-0.6B-Q8_0.gguf"), license: "Apache-2.0" },
  { id: "llama-3.2-1b-instruct-q8_0", name: "Llama 3.2 1B Instruct", family: "llama", parameters: "1.2B", quantization: "Q8_0", file: "Llama-3.2-1B-Instruct-Q8_0.gguf", bytes: 1_320_000_000, sha256: null, url: hf("bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q8_0.gguf"), license: "Llama 3.2 Community License" },
  { id: "smollm2-360m-instruct-q8_0", name: "SmolLM2 360M Instruct (Llama architecture)", family: "llama", parameters: "360M", quantization: "Q8_0", file: "smollm2-360m-instruct-q8_0.gguf", bytes: 386_000_000, sha256: null, url: hf("HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", "smollm2-360m-instruct-q8_0.gguf"), license: "Apache-2.0" },
];

/**
 * The catalog with its URLs under `baseUrl` when one is given (the option, else LORA_STUDIO_CATALOG_URL): a mirror
 * inside a hospital network, or a local server in tests. Each file is then fetched from `<baseUrl>/<file>`.
 */
export function catalogEntries(items: readonly CatalogItem[] = CATALOG, baseUrl: string | undefined = process.env.LORA_STUDIO_CATALOG_URL): CatalogItem[] {
  if (!baseUrl) return [...items];
  const base = baseUrl.replace(/\/+$/, "");
  return items.map((i) => ({ ...i, url: `${base}/${encodeURIComponent(i.file)}` }));
}
