import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

export interface Chat {
  id: string;
  projectId: string;
  baseModelId: string | null;
  adapterId: string | null;
  title: string;
  createdAt: string;
}

export interface Message {
  seq: number;
  role: "system" | "user" | "assistant";
  content: string;
  createdAt: string;
}

export function createChat(db: Db, input: { projectId: string; title: string; baseModelId?: string | null; adapterId?: string | null }): Chat {
  const id = newId();
  db.prepare("INSERT INTO chats (id, project_id, base_model_id, adapter_id, title, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(id, input.projectId, input.baseModelId ?? null, input.adapterId ?? null, input.title, nowIso());
  return getChat(db, id);
}

export function getChat(db: Db, id: string): Chat {
  const r = db.prepare("SELECT * FROM chats WHERE id = ?").get(id) as { id: string; project_id: string; base_model_id: string | null; adapter_id: string | null; title: string; created_at: string } | undefined;
  if (!r) throw new NotFoundError(`no chat with id ${id}`);
  return { id: r.id, projectId: r.project_id, baseModelId: r.base_model_id, adapterId: r.adapter_id, title: r.title, createdAt: r.created_at };
}

export function listChats(db: Db, projectId: string): Chat[] {
  return (db.prepare("SELECT id FROM chats WHERE project_id = ? ORDER BY created_at, rowid").all(projectId) as { id: string }[]).map((r) => getChat(db, r.id));
}

/** Appends messages (a user turn and its answer together) in one transaction; returns their sequence numbers. */
export function addMessages(db: Db, chatId: string, messages: { role: Message["role"]; content: string }[]): number[] {
  return db.transaction(() => {
    if (!db.prepare("SELECT 1 FROM chats WHERE id = ?").get(chatId)) throw new NotFoundError(`no chat with id ${chatId} to add messages to`);
    const next = (db.prepare("SELECT coalesce(max(seq), 0) AS n FROM messages WHERE chat_id = ?").get(chatId) as { n: number }).n;
    const insert = db.prepare("INSERT INTO messages (chat_id, seq, role, content, created_at) VALUES (?, ?, ?, ?, ?)");
    const now = nowIso();
    return messages.map((m, i) => (insert.run(chatId, next + i + 1, m.role, m.content, now), next + i + 1));
  })();
}

export function listMessages(db: Db, chatId: string): Message[] {
  return db.prepare("SELECT seq, role, content, created_at AS createdAt FROM messages WHERE chat_id = ? ORDER BY seq").all(chatId) as Message[];
}
