import type { GbnfJsonSchema } from "node-llama-cpp";

/** Bounds of what the model may write per pair, in characters (the JSON-schema grammar enforces them). */
export interface DraftLimits {
  questionChars: number;
  answerChars: number;
  /** Evidence quotes per pair, and characters per quote. */
  evidenceItems: number;
  evidenceChars: number;
}

export const DEFAULT_DRAFT_LIMITS: DraftLimits = { questionChars: 240, answerChars: 800, evidenceItems: 2, evidenceChars: 240 };

/** One pair as the model writes it. */
export interface DraftedPair {
  question: string;
  answer: string;
  evidence: string[];
}

/**
 * The JSON schema every draft is generated under: exactly `pairs` pairs, strings bounded and non-empty. node-llama-cpp
 * 3.22's grammar honours minLength/maxLength and minItems/maxItems, so a finished output always parses; only an output
 * cut by maxTokens cannot (a problem for that passage).
 */
export function draftSchema(pairs: number, limits: DraftLimits) {
  return {
    type: "object",
    properties: {
      pairs: {
        type: "array",
        minItems: pairs,
        maxItems: pairs,
        items: {
          type: "object",
          properties: {
            question: { type: "string", minLength: 1, maxLength: limits.questionChars },
            answer: { type: "string", minLength: 1, maxLength: limits.answerChars },
            evidence: { type: "array", minItems: 0, maxItems: limits.evidenceItems, items: { type: "string", minLength: 1, maxLength: limits.evidenceChars } },
          },
        },
      },
    },
  } as const satisfies GbnfJsonSchema;
}

/**
 * Most tokens one passage's output may take: the JSON around the strings (`skeletonTokens`, measured with the model's
 * tokenizer; estimated without one) plus every string at its bound at one token per character. Note: real tokenizers
 * average 3-4 characters per token in English and about 1 per Chinese character, but a small or random model may
 * spell a string character by character; at one per character a finished output is never cut, except where one
 * character takes two tokens (Chinese in a vocabulary with few Chinese characters), which is reported, not a crash.
 */
export function answerBudget(pairs: number, limits: DraftLimits, skeletonTokens = skeletonJson(pairs, limits).length): number {
  const chars = limits.questionChars + limits.answerChars + limits.evidenceItems * limits.evidenceChars;
  return Math.ceil(pairs * chars + skeletonTokens + 8);
}

/** The output's JSON with empty strings, indented as the grammar allows (tabs): what the strings sit in. */
export function skeletonJson(pairs: number, limits: DraftLimits): string {
  const pair = { question: "", answer: "", evidence: Array.from({ length: limits.evidenceItems }, () => "") };
  return JSON.stringify({ pairs: Array.from({ length: pairs }, () => pair) }, null, "\t");
}

/** The system and user messages asking for `pairs` pairs from one passage, in the passage's language. */
export function draftPrompt(passage: { text: string; file: string; page: number | null }, pairs: number, language: "en" | "zh", limits: DraftLimits): { system: string; user: string } {
  if (language === "zh") {
    return {
      system: [
        `你为一个助手编写训练数据，材料来自机构的文件。请根据用户给出的段落，写出恰好 ${pairs} 组问答。`,
        "每个问题都应是患者、客户或同事真正会问的问题；每个答案只能取自该段落：使用其中的事实和措辞，不添加段落中没有的内容。",
        "evidence 中逐字抄录答案所依据的段落原句。全部用中文书写。",
        `问题不超过 ${limits.questionChars} 个字，答案不超过 ${limits.answerChars} 个字。`,
        '只回复 JSON：{"pairs": [{"question": "...", "answer": "...", "evidence": ["..."]}]}',
      ].join("\n"),
      user: `段落（来自 ${passage.file}${passage.page ? ` 第 ${passage.page} 页` : ""}）：\n\n${passage.text}`,
    };
  }
  return {
    system: [
      `You write training data for an assistant from an organisation's documents. From the passage the user gives, write exactly ${pairs} question-answer pairs.`,
      "Each question is one a patient, client or colleague would really ask. Each answer is taken from the passage only: use its facts and wording, and add nothing the passage does not say.",
      "In evidence, copy word for word the sentences of the passage the answer relies on. Write in English.",
      `Questions stay under ${limits.questionChars} characters, answers under ${limits.answerChars}.`,
      'Reply with JSON only: {"pairs": [{"question": "...", "answer": "...", "evidence": ["..."]}]}',
    ].join("\n"),
    user: `Passage (from ${passage.file}${passage.page ? `, page ${passage.page}` : ""}):\n\n${passage.text}`,
  };
}
