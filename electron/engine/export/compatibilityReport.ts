import type { LoraConfig } from "../lora/LoraConfig";

/** vLLM's accepted LoRA ranks (FORMATS.md). */
export const VLLM_RANKS = [1, 8, 16, 32, 64, 128, 256, 320, 512] as const;
/** Architectures whose PEFT folder Ollama's ADAPTER converts (FORMATS.md). */
const OLLAMA_PEFT_ARCHS = ["llama", "gemma2"];

export type Artifact = "gguf-lora" | "peft" | "merged-gguf";

export interface CompatibilityEntry {
  artifact: Artifact;
  runtime: string;
  /** yes: works as exported; caveat: works with the step in `reason`; no: does not work. */
  status: "yes" | "caveat" | "no";
  reason: string;
}

export interface CompatibilityInput {
  architecture: string;
  lora: LoraConfig;
  /** Whether the GGUF names the base's Hugging Face id (PEFT and vLLM load the base by it). */
  hfIdKnown: boolean;
}

/** Which runtimes accept which exported file for this base and adapter, with the reason for each answer. */
export function compatibilityReport(input: CompatibilityInput): CompatibilityEntry[] {
  const { architecture: arch, lora } = input;
  const ranks = [...new Set([lora.rank, ...Object.values(lora.layerRanks)])].sort((a, b) => a - b);
  const rankText = ranks.length === 1 ? `rank ${ranks[0]}` : `ranks ${ranks.join(", ")}`;
  const q8 = ranks.every((r) => r % 32 === 0);
  const entries: CompatibilityEntry[] = [
    { artifact: "gguf-lora", runtime: "llama.cpp", status: "yes", reason: `${arch} adapters load with --lora; F32, F16${q8 ? " and Q8_0" : ` (Q8_0 needs a rank that is a multiple of 32, not ${rankText})`}` },
    { artifact: "gguf-lora", runtime: "LM Studio", status: "yes", reason: "runs llama.cpp, which applies GGUF LoRA files for this architecture; the merged GGUF works where an adapter cannot be attached" },
    { artifact: "gguf-lora", runtime: "Ollama", status: "yes", reason: "ADAPTER takes a GGUF LoRA for every architecture llama.cpp runs (one adapter per model); export --format ollama writes the Modelfile" },
  ];
  entries.push({ artifact: "peft", runtime: "Hugging Face PEFT", status: input.hfIdKnown ? "yes" : "caveat", reason: input.hfIdKnown ? "PeftModel.from_pretrained on the base model" : "set base_model_name_or_path to the base's Hugging Face id first (the GGUF does not name it)" });
  const vllmBad = ranks.filter((r) => !(VLLM_RANKS as readonly number[]).includes(r));
  entries.push(
    vllmBad.length
      ? { artifact: "peft", runtime: "vLLM", status: "no", reason: `vLLM accepts LoRA ranks ${VLLM_RANKS.join(", ")} only; this adapter has ${rankText}` }
      : ranks.length > 1
        ? { artifact: "peft", runtime: "vLLM", status: "caveat", reason: `per-layer ranks (${rankText}) come as rank_pattern; start vLLM with --max-lora-rank ${Math.max(...ranks)}` }
        : { artifact: "peft", runtime: "vLLM", status: input.hfIdKnown ? "yes" : "caveat", reason: `--enable-lora --max-lora-rank ${Math.max(...ranks, 16)}${input.hfIdKnown ? "" : "; the base's Hugging Face id must be filled in"}` },
  );
  entries.push(
    OLLAMA_PEFT_ARCHS.includes(arch)
      ? { artifact: "peft", runtime: "Ollama", status: lora.rslora ? "caveat" : "yes", reason: lora.rslora ? "Ollama converts PEFT folders for llama bases, but its handling of use_rslora is not verified: use the GGUF LoRA" : "ADAPTER converts a PEFT folder for llama bases" }
      : { artifact: "peft", runtime: "Ollama", status: "no", reason: `Ollama converts PEFT folders only for ${OLLAMA_PEFT_ARCHS.join(" and ")} bases, not ${arch}; use the GGUF LoRA` },
  );
  for (const runtime of ["llama.cpp", "LM Studio", "Ollama"]) {
    entries.push({ artifact: "merged-gguf", runtime, status: "yes", reason: "a plain GGUF model with the adapter folded in (no adapter support needed)" });
  }
  return entries;
}
