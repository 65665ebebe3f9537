import type { ColumnMapping } from "./types";

/** Header names (normalized: lower case, no spaces, underscores or punctuation) for each field, English and Chinese. */
const SYNONYMS: Record<keyof ColumnMapping, string[]> = {
  question: ["question", "questions", "q", "prompt", "instruction", "query", "ask", "userquestion", "user", "input", "问题", "提问", "问", "用户问题", "咨询", "咨询问题", "指令", "询问", "问句", "输入"],
  answer: ["answer", "answers", "a", "response", "output", "completion", "reply", "assistant", "target", "答案", "回答", "答", "回复", "解答", "输出", "标准答案", "答复"],
  system: ["system", "systemprompt", "systemmessage", "role", "persona", "系统", "系统提示", "系统提示词", "角色设定", "系统消息"],
  context: ["context", "background", "reference", "source", "passage", "上下文", "背景", "参考", "参考资料", "补充", "补充说明", "资料", "依据"],
};

function normalize(header: string): string {
  return header.toLowerCase().replace(/[\s_\-.:：()（）/\\]+/g, "");
}

/**
 * Guesses which columns hold the question, answer, system prompt and context from the header row. Exact synonyms
 * win over partial matches ("customer question" contains "question"); each column is used at most once.
 */
export function guessColumnMapping(headers: string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<string>();
  const fields = Object.keys(SYNONYMS) as (keyof ColumnMapping)[];
  for (const exact of [true, false]) {
    for (const field of fields) {
      if (mapping[field]) continue;
      const hit = headers.find((h) => {
        if (used.has(h)) return false;
        const n = normalize(h);
        if (!n) return false;
        return SYNONYMS[field].some((s) => (exact ? n === s : s.length > 1 && n.includes(s)));
      });
      if (hit !== undefined) {
        mapping[field] = hit;
        used.add(hit);
      }
    }
  }
  return mapping;
}
