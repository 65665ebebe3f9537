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
  /** Why, for IT (English: the CLI, compatibility.json). */
  reason: string;
  /** The same in Simplified Chinese (the app's Chinese UI; in compatibility.json too, for Chinese-speaking IT). */
  reasonZh: string;
}

export interface CompatibilityInput {
  architecture: string;
  lora: LoraConfig;
  /** Whether the GGUF names the base's Hugging Face id (PEFT and vLLM load the base by it). */
  hfIdKnown: boolean;
}

type Entry = CompatibilityEntry;
const entry = (artifact: Artifact, runtime: string, status: Entry["status"], reason: string, reasonZh: string): Entry => ({ artifact, runtime, status, reason, reasonZh });

/** Which runtimes accept which exported file for this base and adapter, with the reason for each answer. */
export function compatibilityReport(input: CompatibilityInput): CompatibilityEntry[] {
  const { architecture: arch, lora } = input;
  const ranks = [...new Set([lora.rank, ...Object.values(lora.layerRanks)])].sort((a, b) => a - b);
  const rankText = ranks.length === 1 ? `rank ${ranks[0]}` : `ranks ${ranks.join(", ")}`;
  const rankZh = `秩 ${ranks.join("、")}`;
  const q8 = ranks.every((r) => r % 32 === 0);
  const maxRank = Math.max(...ranks);
  const entries: CompatibilityEntry[] = [
    entry(
      "gguf-lora",
      "llama.cpp",
      "yes",
      `${arch} adapters load with --lora; F32, F16${q8 ? " and Q8_0" : ` (Q8_0 needs a rank that is a multiple of 32, not ${rankText})`}`,
      `${arch} 适配器用 --lora 加载；支持 F32、F16${q8 ? " 和 Q8_0" : `（Q8_0 需要秩为 32 的倍数，此适配器为${rankZh}）`}`,
    ),
    entry(
      "gguf-lora",
      "LM Studio",
      "yes",
      "runs llama.cpp, which applies GGUF LoRA files for this architecture; the merged GGUF works where an adapter cannot be attached",
      "基于 llama.cpp，可为此架构加载 GGUF LoRA 文件；无法挂载适配器时，可使用合并后的 GGUF",
    ),
    entry(
      "gguf-lora",
      "Ollama",
      "yes",
      "ADAPTER takes a GGUF LoRA for every architecture llama.cpp runs (one adapter per model); export --format ollama writes the Modelfile",
      "ADAPTER 指令可加载 llama.cpp 支持的任何架构的 GGUF LoRA（每个模型一个适配器）；export --format ollama 会写好 Modelfile",
    ),
  ];
  entries.push(
    input.hfIdKnown
      ? entry("peft", "Hugging Face PEFT", "yes", "PeftModel.from_pretrained on the base model", "在基础模型上用 PeftModel.from_pretrained 加载")
      : entry(
          "peft",
          "Hugging Face PEFT",
          "caveat",
          "set base_model_name_or_path to the base's Hugging Face id first (the GGUF does not name it)",
          "请先把 base_model_name_or_path 设为基础模型的 Hugging Face ID（GGUF 文件中没有写明）",
        ),
  );
  const vllmBad = ranks.filter((r) => !(VLLM_RANKS as readonly number[]).includes(r));
  entries.push(
    vllmBad.length
      ? entry("peft", "vLLM", "no", `vLLM accepts LoRA ranks ${VLLM_RANKS.join(", ")} only; this adapter has ${rankText}`, `vLLM 只接受秩为 ${VLLM_RANKS.join("、")} 的 LoRA；此适配器为${rankZh}`)
      : ranks.length > 1
        ? entry("peft", "vLLM", "caveat", `per-layer ranks (${rankText}) come as rank_pattern; start vLLM with --max-lora-rank ${maxRank}`, `各层的秩（${rankZh}）以 rank_pattern 给出；启动 vLLM 时加上 --max-lora-rank ${maxRank}`)
        : entry(
            "peft",
            "vLLM",
            input.hfIdKnown ? "yes" : "caveat",
            `--enable-lora --max-lora-rank ${Math.max(...ranks, 16)}${input.hfIdKnown ? "" : "; the base's Hugging Face id must be filled in"}`,
            `使用 --enable-lora --max-lora-rank ${Math.max(...ranks, 16)}${input.hfIdKnown ? "" : "；需要填入基础模型的 Hugging Face ID"}`,
          ),
  );
  entries.push(
    OLLAMA_PEFT_ARCHS.includes(arch)
      ? lora.rslora
        ? entry("peft", "Ollama", "caveat", "Ollama converts PEFT folders for llama bases, but its handling of use_rslora is not verified: use the GGUF LoRA", "Ollama 可转换 llama 基础模型的 PEFT 文件夹，但未验证它对 use_rslora 的处理：请使用 GGUF LoRA")
        : entry("peft", "Ollama", "yes", "ADAPTER converts a PEFT folder for llama bases", "ADAPTER 指令可转换 llama 基础模型的 PEFT 文件夹")
      : entry(
          "peft",
          "Ollama",
          "no",
          `Ollama converts PEFT folders only for ${OLLAMA_PEFT_ARCHS.join(" and ")} bases, not ${arch}; use the GGUF LoRA`,
          `Ollama 只能转换 ${OLLAMA_PEFT_ARCHS.join(" 和 ")} 基础模型的 PEFT 文件夹，不支持 ${arch}；请使用 GGUF LoRA`,
        ),
  );
  for (const runtime of ["llama.cpp", "LM Studio", "Ollama"]) {
    entries.push(entry("merged-gguf", runtime, "yes", "a plain GGUF model with the adapter folded in (no adapter support needed)", "已并入适配器的普通 GGUF 模型（无需适配器支持）"));
  }
  return entries;
}
