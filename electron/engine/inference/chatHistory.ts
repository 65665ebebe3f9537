import type { ChatHistoryItem } from "node-llama-cpp";

/** One turn of a chat, as the app's data model writes it (structurally app/data's ChatMessage). */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

/** What a chat answers: a single user prompt, or a history that ends with a user turn. */
export type ChatInput = string | readonly ChatTurn[];

/**
 * node-llama-cpp's chat history for an input, ending with an open model turn (the one to generate). A history must
 * end with a user turn: the model answers it.
 */
export function chatHistory(input: ChatInput): ChatHistoryItem[] {
  const turns: readonly ChatTurn[] = typeof input === "string" ? [{ role: "user", content: input }] : input;
  if (turns.length === 0) throw new Error("the chat is empty: give a prompt or a history that ends with a user turn");
  const last = turns[turns.length - 1]!;
  if (last.role !== "user") throw new Error(`the chat history ends with a ${last.role} turn; it must end with the user turn the model is to answer`);
  const history = turns.map(toChatHistoryItem);
  history.push({ type: "model", response: [] });
  return history;
}

/** One turn as node-llama-cpp's history item (also how the training formatter renders chats, so they agree). */
export function toChatHistoryItem(turn: ChatTurn, index = 0): ChatHistoryItem {
  switch (turn.role) {
    case "system":
      return { type: "system", text: turn.content };
    case "user":
      return { type: "user", text: turn.content };
    case "assistant":
      return { type: "model", response: [turn.content] };
    default:
      throw new Error(`chat turn ${index} has role "${(turn as { role: unknown }).role}"; use system, user or assistant`);
  }
}
