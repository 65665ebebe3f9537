import type { DraftProblem, Localized } from "../../contract/dto";

/**
 * Every message of drafting, in English and Simplified Chinese, keyed by code; `{name}` is replaced by the
 * parameter of that name. `{where}` names the file (and page): "guide.pdf, page 3" / "guide.pdf 第 3 页".
 */
export const DRAFT_MESSAGES = {
  NOT_GGUF: {
    en: "{model} is not a GGUF model file ({detail}); pick a .gguf model (for example one from LM Studio, Ollama or Jan) to draft with.",
    zh: "{model} 不是 GGUF 模型文件（{detail}）；请选择一个 .gguf 模型（例如 LM Studio、Ollama 或 Jan 中的模型）来起草。",
  },
  NO_CHAT_TEMPLATE: {
    en: "{model} has no chat template, so it cannot be asked for questions and answers; pick an instruct (chat) model, whose GGUF carries tokenizer.chat_template.",
    zh: "{model} 没有对话模板，无法向它提问以起草问答；请选择指令（对话）模型，其 GGUF 文件带有 tokenizer.chat_template。",
  },
  MODEL_LOAD_FAILED: {
    en: "{model} could not be loaded by llama.cpp ({detail}); check that the file is complete, or pick another model.",
    zh: "llama.cpp 无法加载 {model}（{detail}）；请检查文件是否完整，或选择其他模型。",
  },
  CONTEXT_TOO_SMALL: {
    en: "{model} has a context of {context} tokens: too small for the prompt, a passage and {pairs} answers; pick a model with a larger context or ask for fewer pairs.",
    zh: "{model} 的上下文只有 {context} 个词元，放不下提示、一段原文和 {pairs} 组问答；请选择上下文更大的模型，或减少每段的问答数。",
  },
  UNSUPPORTED_FILE: {
    en: "{where}: files of type \"{ext}\" cannot be drafted from; use PDF, DOCX, TXT or Markdown.",
    zh: "{where}：无法从“{ext}”类型的文件起草；请使用 PDF、DOCX、TXT 或 Markdown。",
  },
  READ_FAILED: {
    en: "{where}: the document could not be read ({detail}); the other documents are drafted.",
    zh: "{where}：无法读取该文档（{detail}）；其余文档照常起草。",
  },
  NO_TEXT: {
    en: "{where}: no text found; a scanned document needs OCR (text recognition) before questions can be drafted from it.",
    zh: "{where}：未找到文字；扫描件需要先做文字识别（OCR）才能从中起草问答。",
  },
  LANGUAGE_UNSUPPORTED: {
    en: "{where}: the passage is in {language}, which {model} cannot write ({detail}); pick a model that knows {language} for this document.",
    zh: "{where}：该段为{languageZh}，{model} 无法书写{languageZh}（{detailZh}）；请为此文档选择懂{languageZh}的模型。",
  },
  PASSAGE_TOO_LONG: {
    en: "{where}: the passage with its prompt takes {tokens} tokens, more than the {context} of {model}'s context leave after the answers; it was skipped.",
    zh: "{where}：该段连同提示共 {tokens} 个词元，超出 {model} 上下文（{context}）在留出答案空间后的容量；已跳过。",
  },
  OUTPUT_CUT: {
    en: "{where}: the model's answer was cut off at {maxTokens} tokens before the pairs were complete; no pair was kept from this passage.",
    zh: "{where}：模型输出在 {maxTokens} 个词元处被截断，问答未写完；此段未保留任何问答。",
  },
  OUTPUT_UNREADABLE: {
    en: "{where}: the model's output could not be read as pairs ({detail}); no pair was kept from this passage.",
    zh: "{where}：无法将模型输出读成问答（{detail}）；此段未保留任何问答。",
  },
  DRAFTING_FAILED: {
    en: "Drafting stopped: {detail}. The passages drafted so far are kept; resume to continue.",
    zh: "起草中止：{detail}。已起草的段落都已保存；可继续起草。",
  },
  DOCUMENT_MISSING: {
    en: "{where}: the job's copy of the document is gone ({detail}); start a new drafting job with the document.",
    zh: "{where}：该任务保存的文档副本已不存在（{detail}）；请用该文档重新开始起草。",
  },
} as const satisfies Record<string, Localized>;

export type DraftMessageCode = keyof typeof DRAFT_MESSAGES;

export function draftMessage(code: DraftMessageCode, params: Record<string, string | number> = {}): Localized {
  const fill = (t: string, lang: "en" | "zh") =>
    t.replace(/\{(\w+)\}/g, (m, k: string) => {
      const v = params[`${k}${lang === "zh" ? "Zh" : ""}`] ?? params[k];
      return v === undefined ? m : String(v);
    });
  const def = DRAFT_MESSAGES[code];
  return { en: fill(def.en, "en"), zh: fill(def.zh, "zh") };
}

/** "guide.pdf, page 3" and "guide.pdf 第 3 页". */
export function whereOf(file: string, page?: number | null): { where: string; whereZh: string } {
  return page ? { where: `${file}, page ${page}`, whereZh: `${file} 第 ${page} 页` } : { where: file, whereZh: file };
}

/** A problem with one document (or a page or passage of it). */
export function draftProblem(code: DraftMessageCode, file: string, page: number | null | undefined, params: Record<string, string | number> = {}): DraftProblem {
  return { file, ...(page ? { page } : {}), code, message: draftMessage(code, { ...whereOf(file, page), ...params }) };
}
