import type { ChatMessage } from "./types";

/** What is wrong with a chat's role order, in English and Chinese, or undefined when it is right. */
export function checkRoleOrder(messages: ChatMessage[]): { en: string; zh: string } | undefined {
  let i = 0;
  if (messages[0]?.role === "system") i = 1;
  if (messages.slice(i).some((m) => m.role === "system")) return { en: "a system message after the start", zh: "系统消息不在开头" };
  if (i >= messages.length) return { en: "no user or assistant turn", zh: "没有用户或助手发言" };
  if (messages[i]!.role !== "user") return { en: "starts with an assistant turn", zh: "以助手发言开头" };
  for (let k = i + 1; k < messages.length; k++) {
    if (messages[k]!.role === messages[k - 1]!.role) {
      return messages[k]!.role === "user"
        ? { en: "two user turns in a row", zh: "连续两条用户发言" }
        : { en: "two assistant turns in a row", zh: "连续两条助手发言" };
    }
  }
  if (messages.at(-1)!.role !== "assistant") return { en: "ends without an assistant answer", zh: "结尾没有助手回答" };
  return undefined;
}
