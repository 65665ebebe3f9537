import type { ChatMessage, DataFormat, Role } from "./types";

/** What one JSON record turned into: the messages or text of an example, or why it could not be read. */
export type RecordResult =
  | { ok: true; format: DataFormat; kind: "chat"; messages: ChatMessage[] }
  | { ok: true; format: DataFormat; kind: "document"; text: string }
  | { ok: false; code: "UNKNOWN_RECORD"; keys: string[] }
  | { ok: false; code: "BAD_RECORD"; detail: string; detailZh: string };

const SHAREGPT_ROLES: Record<string, Role> = {
  system: "system",
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
  bot: "assistant",
  model: "assistant",
  chatgpt: "assistant",
};

/**
 * Reads one record in any supported format: alpaca (instruction/input/output), chat messages
 * ([{role, content}]), ShareGPT ({conversations: [{from, value}]}), prompt/completion, or plain {text}.
 * Role order is not judged here (the quality report does, with every location); only the shape is.
 */
export function recordToExample(value: unknown): RecordResult {
  if (Array.isArray(value) && value.length > 0 && value.every(isMessageLike)) return readMessages(value, "chat");
  if (!isObject(value)) {
    return { ok: false, code: "BAD_RECORD", detail: `expected a JSON object, got ${describe(value)}`, detailZh: `应为 JSON 对象，实际是 ${describe(value)}` };
  }
  if (Array.isArray(value.messages)) return readMessages(value.messages, "chat", value.system);
  if (Array.isArray(value.conversations)) return readMessages(value.conversations, "sharegpt", value.system);
  if ("instruction" in value && "output" in value) {
    const fields = strings(value, ["instruction", "output"], ["input", "system"]);
    if (!fields.ok) return fields.error;
    const { instruction, input, output, system } = fields.values;
    const user = input && input.trim() ? `${instruction}\n\n${input}` : instruction!;
    return chat("alpaca", system, user, output!);
  }
  if ("prompt" in value && ("completion" in value || "response" in value)) {
    const answerKey = "completion" in value ? "completion" : "response";
    const fields = strings(value, ["prompt", answerKey], ["system"]);
    if (!fields.ok) return fields.error;
    return chat("prompt-completion", fields.values.system, fields.values.prompt!, fields.values[answerKey]!);
  }
  if ("text" in value) {
    if (typeof value.text !== "string") return badField("text", value.text);
    return { ok: true, format: "text", kind: "document", text: value.text };
  }
  return { ok: false, code: "UNKNOWN_RECORD", keys: Object.keys(value) };
}

function chat(format: DataFormat, system: string | undefined, user: string, assistant: string): RecordResult {
  const messages: ChatMessage[] = [];
  if (system !== undefined && system.trim()) messages.push({ role: "system", content: system });
  messages.push({ role: "user", content: user }, { role: "assistant", content: assistant });
  return { ok: true, format, kind: "chat", messages };
}

function readMessages(list: unknown[], format: DataFormat, system?: unknown): RecordResult {
  const messages: ChatMessage[] = [];
  if (typeof system === "string" && system.trim()) messages.push({ role: "system", content: system });
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isObject(m)) return bad(`message ${i + 1} is ${describe(m)}, not an object`, `第 ${i + 1} 条消息是 ${describe(m)}，不是对象`);
    const roleRaw = m.role ?? m.from;
    const content = m.content ?? m.value;
    if (typeof roleRaw !== "string") return bad(`message ${i + 1} has no role (or "from")`, `第 ${i + 1} 条消息缺少 role（或 from）`);
    const role = SHAREGPT_ROLES[roleRaw.toLowerCase()];
    if (!role) {
      return bad(
        `message ${i + 1} has role "${roleRaw}"; use system, user or assistant (ShareGPT: system, human, gpt)`,
        `第 ${i + 1} 条消息的角色为“${roleRaw}”；请使用 system、user 或 assistant（ShareGPT：system、human、gpt）`,
      );
    }
    if (typeof content !== "string") {
      return bad(`message ${i + 1} has no text content (got ${describe(content)})`, `第 ${i + 1} 条消息没有文本内容（实际为 ${describe(content)}）`);
    }
    messages.push({ role, content });
  }
  if (messages.length === 0) return bad("the chat has no messages", "对话中没有消息");
  return { ok: true, format, kind: "chat", messages };
}

function strings(
  obj: Record<string, unknown>,
  required: string[],
  optional: string[],
): { ok: true; values: Record<string, string | undefined> } | { ok: false; error: RecordResult } {
  const values: Record<string, string | undefined> = {};
  for (const key of [...required, ...optional]) {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (required.includes(key)) return { ok: false, error: badField(key, v) };
      continue;
    }
    // Numbers and booleans are common in spreadsheets exported to JSON; they are text to the model.
    if (typeof v === "number" || typeof v === "boolean") values[key] = String(v);
    else if (typeof v === "string") values[key] = v;
    else return { ok: false, error: badField(key, v) };
  }
  return { ok: true, values };
}

function badField(key: string, v: unknown): RecordResult {
  return bad(`field "${key}" must be text, got ${describe(v)}`, `字段“${key}”应为文本，实际是 ${describe(v)}`);
}

function bad(detail: string, detailZh: string): RecordResult {
  return { ok: false, code: "BAD_RECORD", detail, detailZh };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isMessageLike(v: unknown): boolean {
  return isObject(v) && ("role" in v || "from" in v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v).slice(0, 30)}`;
}
