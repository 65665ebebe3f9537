import type { Localized } from "./types";

/** V8's JSON.parse messages, as a person who never wrote JSON would understand them. */
const PLAIN: [RegExp, Localized][] = [
  [/Unterminated string/, { en: "a text in double quotes is opened but never closed", zh: "有一段双引号中的文字没有闭合" }],
  [/Bad control character|Bad escaped character/, { en: "a text holds a line break, tab or backslash written as is (write a line break as \\n)", zh: "文字中直接写了换行、制表符或反斜杠（换行请写成 \\n）" }],
  [/Expected ',' or '}'/, { en: "a comma or a closing } is missing", zh: "缺少逗号或右花括号 }" }],
  [/Expected ',' or ']'/, { en: "a comma or a closing ] is missing", zh: "缺少逗号或右方括号 ]" }],
  [/Expected property name|Expected double-quoted property name/, { en: "a field name in double quotes is expected here (single quotes, or a comma before a closing bracket?)", zh: "此处应为双引号中的字段名（是否用了单引号，或在右括号前多了逗号？）" }],
  [/Unexpected end of JSON|Unexpected end of input/, { en: "the line ends before the example is complete", zh: "这一行在样本结束前就断了" }],
  [/Unexpected non-whitespace character after JSON/, { en: "there is more text after the example's closing }", zh: "样本的右花括号 } 之后还有多余的文字" }],
  [/Unexpected token|is not valid JSON/, { en: "a character that JSON does not allow there", zh: "此处有 JSON 不允许的字符" }],
];

/**
 * Why a line is not valid JSON, in plain words with where it goes wrong and how the line starts:
 * `a comma or a closing } is missing, at character 41; the line starts: {"instruction": "Book a…`.
 */
export function plainJsonError(error: unknown, line: string): { en: string; zh: string } {
  const msg = error instanceof Error ? error.message : String(error);
  const what = PLAIN.find(([re]) => re.test(msg))?.[1] ?? { en: "the text is not valid JSON", zh: "文字不是有效的 JSON" };
  const at = /position (\d+)/.exec(msg);
  const start = line.length > 40 ? `${line.slice(0, 40)}…` : line;
  return {
    en: `${what.en}${at ? `, at character ${Number(at[1]) + 1}` : ""}; the line starts: ${start}`,
    zh: `${what.zh}${at ? `，在第 ${Number(at[1]) + 1} 个字符处` : ""}；该行开头为：${start}`,
  };
}
