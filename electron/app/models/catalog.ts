/** One model the app offers to download: a small instruct GGUF it can train (Q8_0, llama/qwen2/qwen3 architectures). */
export interface CatalogItem {
  id: string;
  name: string;
  family: "llama" | "qwen";
  parameters: string;
  quantization: string;
  /** The file's name in <home>/models and at the end of its URL. */
  file: string;
  /**
   * The file's exact size in bytes, from its public listing (Hugging Face's LFS pointer); the download is refused
   * (and deleted) unless it has exactly this size. 0: unknown (a custom catalog), not checked.
   */
  bytes: number;
  /**
   * sha256 of the file from a public source (the LFS pointer's `oid sha256:`), checked before the file is renamed
   * into place. null where no published hash was found: such a file is validated as GGUF instead (header, tensor
   * table, sizes), and the hash it had is recorded with the model and shown, so the user can compare it.
   */
  sha256: string | null;
  /** Where the file is downloaded from (the Hugging Face "resolve" URL). */
  url: string;
  license: string;
}

/**
 * A Hugging Face download URL pinned to a commit where the hash is known (a file under `main` can be replaced, and
 * then a correct hash would refuse it), else the `main` branch.
 */
const hf = (repo: string, file: string, revision = "main") => `https://huggingface.co/${repo}/resolve/${revision}/${file}`;

/**
 * The built-in list: small enough to train on a laptop's CPU, instruct-tuned, permissive or community licences.
 * Sizes and hashes: the files' Git LFS pointers at the pinned commits (`oid sha256:`, `size`), as published and
 * quoted in several public projects that pin these files. Llama 3.2 1B (bartowski): its size is known
 * (1,321,082,528 bytes) but no published sha256 was found, so it is validated as GGUF and its hash recorded.
 */
export const CATALOG: readonly CatalogItem[] = [
  { id: "qwen2.5-0.5b-instruct-q8_0", name: "Qwen2.5 0.5B Instruct", family: "qwen", parameters: "0.5B", quantization: "Q8_0", file: "qwen2.5-0.5b-instruct-q8_0.gguf", bytes: 675_710_816, sha256: "ca59ca7f13d0e15a8cfa77bd17e65d24f6844b554a7b6c12e07a5f89ff76844e", url: hf("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q8_0.gguf", "9217f5db79a29953eb74d5343926648285ec7e67"), license: "Apache-2.0" },
  { id: "qwen2.5-1.5b-instruct-q8_0", name: "Qwen2.5 1.5B Instruct", family: "qwen", parameters: "1.5B", quantization: "Q8_0", file: "qwen2.5-1.5b-instruct-q8_0.gguf", bytes: 1_894_532_128, sha256: "d7efb072e7724d25048a4fda0a3e10b04bdef5d06b1403a1c93bd9f1240a63c8", url: hf("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q8_0.gguf", "91cad51170dc346986eccefdc2dd33a9da36ead9"), license: "Apache-2.0" },
  { id: "qwen3-0.6b-q8_0", name: "Qwen3 0.6B", family: "qwen", parameters: "0.6B", quantization: "Q8_0", file: "Qwen3-0.6B-Q8_0.gguf", bytes: 639_446_688, sha256: "9465e63a22add5354d9bb4b99e90117043c7124007664907259bd16d043bb031", url: hf("Qwen/Qwen3-0.6B-GGUF", "Qwen3-0.6B-Q8_0.gguf", "23749fefcc72300e3a2ad315e1317431b06b590a"), license: "Apache-2.0" },
  { id: "llama-3.2-1b-instruct-q8_0", name: "Llama 3.2 1B Instruct", family: "llama", parameters: "1.2B", quantization: "Q8_0", file: "Llama-3.2-1B-Instruct-Q8_0.gguf", bytes: 1_321_082_528, sha256: null, url: hf("bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q8_0.gguf"), license: "Llama 3.2 Community License" },
  { id: "smollm2-360m-instruct-q8_0", name: "SmolLM2 360M Instruct (Llama architecture)", family: "llama", parameters: "360M", quantization: "Q8_0", file: "smollm2-360m-instruct-q8_0.gguf", bytes: 386_404_992, sha256: "48ab3034d0dd401fbc721eb1df3217902fee7dab9078992d66431f09b7750201", url: hf("HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", "smollm2-360m-instruct-q8_0.gguf", "593b5a2e04c8f3e4ee880263f93e0bd2901ad47f"), license: "Apache-2.0" },
];

/**
 * The catalog with its URLs under `baseUrl` when one is given (the option, else LORA_STUDIO_CATALOG_URL): a mirror
 * inside a hospital network, or a local server in tests. Each file is then fetched from `<baseUrl>/<file>`, and
 * checked against the same size and hash. Note: a plain-http base is listed but refused at download unless the
 * insecure-mirror option is on (checkDownloadUrl).
 */
export function catalogEntries(items: readonly CatalogItem[] = CATALOG, baseUrl: string | undefined = process.env.LORA_STUDIO_CATALOG_URL): CatalogItem[] {
  if (!baseUrl) return [...items];
  const base = baseUrl.replace(/\/+$/, "");
  return items.map((i) => ({ ...i, url: `${base}/${encodeURIComponent(i.file)}` }));
}
