import type { GgufFile } from "../gguf/GgufFile";

/** Placeholder written where the base model's Hugging Face id is unknown; READMEs explain how to replace it. */
export const HF_ID_PLACEHOLDER = "REPLACE-WITH-HF-ID-OF-BASE-MODEL";

/**
 * The base model's Hugging Face id where the GGUF metadata names it: a huggingface.co URL in general.source.url /
 * general.source.repo_url, or general.source.huggingface.repository (older converters). Not general.base_model.*,
 * which names the model this one was fine-tuned from, not this one.
 */
export function hfModelId(file: Pick<GgufFile, "has" | "value">): string | null {
  for (const key of ["general.source.repo_url", "general.source.url", "general.url", "general.source.huggingface.repository"]) {
    if (!file.has(key)) continue;
    const v = file.value(key);
    if (typeof v !== "string") continue;
    const url = /^https?:\/\/(?:www\.)?huggingface\.co\/([\w.-]+\/[\w.-]+)/.exec(v);
    if (url) return url[1]!;
    if (key.endsWith("huggingface.repository") && /^[\w.-]+\/[\w.-]+$/.test(v)) return v;
  }
  return null;
}
