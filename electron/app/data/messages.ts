import type { FileProblem, Localized, Severity, SourceRef } from "./types";
import { formatLocation, formatLocationZh } from "./types";

interface MessageDef {
  severity: Severity;
  en: string;
  zh: string;
  /** What to do about it, for quality findings. */
  fix?: Localized;
}

/**
 * Every user-facing data message, in English and Simplified Chinese, keyed by code. `{name}` is replaced by the
 * parameter of that name. Note: one table, so that a code cannot exist in one language only (a test checks it).
 */
export const MESSAGES = {
  // --- per-file problems -------------------------------------------------------------------------------------
  FILE_NOT_FOUND: { severity: "error", en: "{where}: the file does not exist or cannot be read ({detail}).", zh: "{where}：文件不存在或无法读取（{detail}）。" },
  FILE_EMPTY: { severity: "error", en: "{where}: the file is empty; nothing to import.", zh: "{where}：文件为空，没有可导入的内容。" },
  FILE_BINARY: {
    severity: "error",
    en: "{where}: this looks like a binary file, not {expected} text; export it as UTF-8 text and import that.",
    zh: "{where}：这看起来是二进制文件，而不是 {expected} 文本；请另存为 UTF-8 文本后再导入。",
  },
  WRONG_TYPE: {
    severity: "error",
    en: "{where}: the name says {expected} but the content is {actual}; rename it to the right extension or export it again.",
    zh: "{where}：扩展名是 {expected}，但内容是 {actual}；请改成正确的扩展名或重新导出。",
  },
  UNSUPPORTED_EXTENSION: {
    severity: "error",
    en: "{where}: files of type \"{ext}\" cannot be imported; use JSONL, JSON, CSV, XLSX, TXT, MD, PDF or DOCX.",
    zh: "{where}：不支持“{ext}”类型的文件；请使用 JSONL、JSON、CSV、XLSX、TXT、MD、PDF 或 DOCX。",
  },
  ENCRYPTED: {
    severity: "error",
    en: "{where}: the {kind} file is password-protected; open it, remove the password (save a copy without protection) and import that copy.",
    zh: "{where}：该 {kind} 文件受密码保护；请打开它，去掉密码（另存一份不加密的副本）后导入该副本。",
  },
  CORRUPT: {
    severity: "error",
    en: "{where}: the {kind} file is damaged and cannot be read ({detail}); open it in its program, save it again and re-import.",
    zh: "{where}：该 {kind} 文件已损坏，无法读取（{detail}）；请用原程序打开、重新保存后再导入。",
  },
  NO_TEXT: {
    severity: "warning",
    en: "{where}: no text found{pageNote}; a scanned document needs OCR (text recognition) before it can be used.",
    zh: "{where}：未找到文字{pageNoteZh}；扫描件需要先做文字识别（OCR）才能使用。",
  },
  INVALID_UTF8: {
    severity: "error",
    en: "{where}: the text is not valid UTF-8 (perhaps saved as GBK or ANSI); this record was skipped. Save the file as UTF-8 and import again.",
    zh: "{where}：文本不是有效的 UTF-8（可能以 GBK 或 ANSI 保存）；已跳过此条。请将文件另存为 UTF-8 后重新导入。",
  },
  LINE_TOO_LONG: {
    severity: "error",
    en: "{where}: a single line of {megabytes} MB is over the 10 MB limit and was skipped; split the record or check that the file is really JSONL.",
    zh: "{where}：单行 {megabytes} MB，超过 10 MB 上限，已跳过；请拆分该记录，或确认文件确实是 JSONL。",
  },
  JSON_MALFORMED: {
    severity: "error",
    en: "{where}: this line is not valid JSON ({detail}); it was skipped, the other lines were imported. Fix the line (each line must be one complete JSON object).",
    zh: "{where}：此行不是有效的 JSON（{detailZh}）；已跳过，其余各行已导入。请修正该行（每行必须是一个完整的 JSON 对象）。",
  },
  JSON_FILE_MALFORMED: {
    severity: "error",
    en: "{where}: the JSON is not valid ({detail}); fix it there, or save one example per line as JSONL so that one bad line does not block the rest.",
    zh: "{where}：JSON 无效（{detail}）；请在该处修正，或改存为每行一条的 JSONL，以免一处错误影响其余数据。",
  },
  UNKNOWN_RECORD: {
    severity: "error",
    en: "{where}: the record has fields {keys}, which match no known format; use instruction/input/output, messages, conversations, prompt/completion or text.",
    zh: "{where}：该记录的字段 {keys} 不符合任何已知格式；请使用 instruction/input/output、messages、conversations、prompt/completion 或 text。",
  },
  BAD_RECORD: {
    severity: "error",
    en: "{where}: {detail}; the record was skipped.",
    zh: "{where}：{detailZh}；已跳过此条。",
  },
  MIXED_FORMATS: {
    severity: "warning",
    en: "{where}: the file mixes record formats ({formats}); each record was read in its own format, but check that this is intended.",
    zh: "{where}：文件混用了多种记录格式（{formats}）；每条已按其自身格式读取，请确认这是有意为之。",
  },
  NO_COLUMNS: {
    severity: "error",
    en: "{where}: no question and answer columns found among {columns}; name them (e.g. question, answer) or choose them in the column mapping.",
    zh: "{where}：在 {columns} 中找不到问题和答案列；请将列命名为 question、answer（或 问题、答案），或在列映射中指定。",
  },
  MAPPED_COLUMN_MISSING: {
    severity: "error",
    en: "{where}: the mapping names column \"{column}\" for {field}, but the file has only {columns}.",
    zh: "{where}：列映射为 {field} 指定了列“{column}”，但文件中只有 {columns}。",
  },
  UNKNOWN_COLUMNS: {
    severity: "info",
    en: "{where}: columns {columns} are not used for training (only question, answer, system and context are).",
    zh: "{where}：列 {columns} 不用于训练（只使用问题、答案、系统提示和上下文）。",
  },
  ROW_EMPTY_FIELD: {
    severity: "warning",
    en: "{where}: the {field} cell is empty; the row was skipped. Fill it in or delete the row.",
    zh: "{where}：{field} 单元格为空，已跳过此行。请补全或删除该行。",
  },
  READ_FAILED: {
    severity: "error",
    en: "{where}: the file could not be read ({detail}).",
    zh: "{where}：无法读取文件（{detail}）。",
  },
  DRAFTS_NONE_ACCEPTED: {
    severity: "error",
    en: "{where}: none of the {count} drafted pairs is accepted ({pending} pending, {rejected} rejected), so nothing was imported from it; review the drafts first (LoRA Studio's Data step, or set \"status\": \"accepted\" on the pairs to keep), or pass --include-unreviewed to import every pair not rejected.",
    zh: "{where}：{count} 组起草的问答中没有一组被接受（待审 {pending}，已拒绝 {rejected}），因此未导入任何内容；请先审阅草稿（在 LoRA Studio 的数据步骤中，或在要保留的问答上设置 \"status\": \"accepted\"），或加上 --include-unreviewed 导入所有未被拒绝的问答。",
  },
  DRAFTS_LEFT_OUT: {
    severity: "info",
    en: "{where}: {pending} pending and {rejected} rejected drafted pairs were left out; only accepted and edited pairs are imported (--include-unreviewed adds the pending ones).",
    zh: "{where}：已略过 {pending} 组待审和 {rejected} 组已拒绝的起草问答；只导入已接受和已编辑的问答（--include-unreviewed 可加入待审的问答）。",
  },

  // --- quality findings --------------------------------------------------------------------------------------
  TOO_FEW_EXAMPLES: {
    severity: "warning",
    en: "Only {count} examples: the model will barely change or will memorize them.",
    zh: "只有 {count} 条样例：模型几乎学不到东西，或只会死记硬背。",
    fix: {
      en: "Add examples until you have at least 20 (100 or more is better), covering the kinds of questions you expect.",
      zh: "请补充样例，至少 20 条（最好 100 条以上），覆盖您预期会遇到的各类问题。",
    },
  },
  TOO_LONG: {
    severity: "warning",
    en: "{count} examples are longer than the sequence length of {seqLen} tokens; truncation would cut {cutTokens} tokens in all (up to {maxCut} from one).",
    zh: "{count} 条样例超过 {seqLen} 个词元的序列长度；截断将共删去 {cutTokens} 个词元（单条最多 {maxCut} 个）。",
    fix: {
      en: "Shorten or split these examples, or raise the sequence length if memory allows; the end of each answer is what gets cut.",
      zh: "请缩短或拆分这些样例，或在内存允许时调大序列长度；被截掉的是每条答案的结尾部分。",
    },
  },
  EMPTY_FIELD: {
    severity: "error",
    en: "{count} examples have an empty or whitespace-only {field}.",
    zh: "{count} 条样例的 {field} 为空或只有空白。",
    fix: { en: "Fill in the missing text or delete these examples; they are left out of training.", zh: "请补全缺失的内容或删除这些样例；它们不会参与训练。" },
  },
  EXACT_DUPLICATE: {
    severity: "warning",
    en: "{count} examples are exact copies of another example.",
    zh: "{count} 条样例与其他样例完全相同。",
    fix: { en: "Remove the copies: duplicates make the model over-learn those answers.", zh: "请删除重复项：重复会使模型过度学习这些答案。" },
  },
  NEAR_DUPLICATE: {
    severity: "info",
    en: "{count} examples are nearly identical to another example (over {threshold}% the same words).",
    zh: "{count} 条样例与其他样例几乎相同（超过 {threshold}% 的内容一致）。",
    fix: {
      en: "Check whether they are intended variations; otherwise keep one. They are kept on the same side of the train/validation split.",
      zh: "请确认它们是否为有意的变体，否则只保留一条。它们在训练/验证划分中会被放在同一侧。",
    },
  },
  TRAIN_VALIDATION_OVERLAP: {
    severity: "warning",
    en: "{count} validation examples also appear (nearly) identically in the training set; validation scores would look better than they are.",
    zh: "{count} 条验证样例在训练集中有（几乎）相同的副本；验证分数会虚高。",
    fix: { en: "Remove the duplicates, or let the app split the data (it keeps near-duplicates together).", zh: "请删除重复项，或由本应用自动划分数据（会把近似重复的样例放在同一侧）。" },
  },
  ROLE_ORDER: {
    severity: "error",
    en: "{count} chats have a broken role order ({detail}).",
    zh: "{count} 段对话的角色顺序有误（{detailZh}）。",
    fix: {
      en: "A chat is: an optional system message, then user and assistant turns alternating, ending with an assistant turn. Fix or remove these chats; they are left out of training.",
      zh: "对话应为：可选的一条系统消息，然后用户与助手轮流发言，并以助手回复结尾。请修正或删除这些对话；它们不会参与训练。",
    },
  },
  MIXED_LANGUAGES: {
    severity: "info",
    en: "The data mixes languages: {languages}.",
    zh: "数据混合了多种语言：{languagesZh}。",
    fix: {
      en: "That is fine if users will ask in both; otherwise keep to the language they will use, or the model may answer in the wrong one.",
      zh: "如果用户会用这几种语言提问则没有问题；否则请只保留用户实际使用的语言，以免模型用错语言回答。",
    },
  },
  EXAMPLE_MIXED_LANGUAGE: {
    severity: "info",
    en: "{count} chats ask in one language and answer in another.",
    zh: "{count} 段对话的提问与回答使用了不同的语言。",
    fix: { en: "Check that these answers are in the language you want the model to reply in.", zh: "请确认这些回答使用的是您希望模型回复的语言。" },
  },
  PII_FOUND: {
    severity: "warning",
    en: "{count} pieces of personal data found: {kinds}.",
    zh: "发现 {count} 处个人信息：{kindsZh}。",
    fix: {
      en: "Redact them before training (placeholder such as [EMAIL], or consistent made-up values); a fine-tuned model can repeat what it was trained on.",
      zh: "请在训练前进行脱敏（替换为 [EMAIL] 等占位符，或一致的虚构值）；微调后的模型可能复述训练数据中的内容。",
    },
  },
  FILE_PROBLEMS: {
    severity: "error",
    en: "{count} problems of this kind in the input files, each listed with where it is: {first}",
    zh: "输入文件中有 {count} 处此类问题，下面逐一列出位置：{firstZh}",
    fix: { en: "Each listed line or record was skipped; the rest of each file was imported. Fix them in the file and add it again.", zh: "所列的各行或各条记录已跳过，文件其余部分已导入。请在文件中修正后重新添加。" },
  },
  FILE_PROBLEMS_WHOLE: {
    severity: "error",
    en: "{count} files could not be read at all: {first}",
    zh: "有 {count} 个文件完全无法读取：{firstZh}",
    fix: { en: "Nothing was imported from these files. Fix each as it says (or choose the right file), then add it again.", zh: "这些文件中没有任何内容被导入。请按提示逐一处理（或选择正确的文件）后重新添加。" },
  },
} as const satisfies Record<string, MessageDef>;

export type MessageCode = keyof typeof MESSAGES;
export type MessageParams = Record<string, string | number>;

function interpolate(template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** The message of a code in both languages. Parameters ending in "Zh" override their plain name in the Chinese text. */
export function localize(code: MessageCode, params: MessageParams = {}): Localized {
  const def: MessageDef = MESSAGES[code];
  const zhParams: MessageParams = { ...params };
  for (const [k, v] of Object.entries(params)) if (k.endsWith("Zh")) zhParams[k.slice(0, -2)] = v;
  for (const k of Object.keys(params)) if (!k.endsWith("Zh") && !(k + "Zh" in params)) zhParams[k + "Zh"] ??= params[k]!;
  return { en: interpolate(def.en, params), zh: interpolate(def.zh, zhParams) };
}

export function fixFor(code: MessageCode): Localized | undefined {
  const def: MessageDef = MESSAGES[code];
  return def.fix;
}

export function severityOf(code: MessageCode): Severity {
  return MESSAGES[code].severity;
}

/** A located problem with one file; `where` in the text is the location. */
export function problem(code: MessageCode, location: SourceRef, params: MessageParams = {}, severity?: Severity): FileProblem {
  return { code, severity: severity ?? severityOf(code), location, message: localize(code, { where: formatLocation(location), whereZh: formatLocationZh(location), ...params }) };
}
