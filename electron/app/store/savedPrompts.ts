import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

/** A question kept for asking every new adapter of a project again. */
export interface SavedPrompt {
  id: string;
  projectId: string;
  text: string;
  createdAt: string;
}

interface Row {
  id: string;
  project_id: string;
  text: string;
  created_at: string;
}
const toPrompt = (r: Row): SavedPrompt => ({ id: r.id, projectId: r.project_id, text: r.text, createdAt: r.created_at });

export function savePrompt(db: Db, projectId: string, text: string): SavedPrompt {
  if (!db.prepare("SELECT 1 FROM projects WHERE id = ?").get(projectId)) throw new NotFoundError(`no project with id ${projectId} to save the prompt in`);
  const id = newId();
  db.prepare("INSERT INTO saved_prompts (id, project_id, text, created_at) VALUES (?, ?, ?, ?)").run(id, projectId, text, nowIso());
  return toPrompt(db.prepare("SELECT * FROM saved_prompts WHERE id = ?").get(id) as Row);
}

export function listSavedPrompts(db: Db, projectId: string): SavedPrompt[] {
  return (db.prepare("SELECT * FROM saved_prompts WHERE project_id = ? ORDER BY created_at, rowid").all(projectId) as Row[]).map(toPrompt);
}

export function deleteSavedPrompt(db: Db, id: string): void {
  if (db.prepare("DELETE FROM saved_prompts WHERE id = ?").run(id).changes === 0) throw new NotFoundError(`no saved prompt with id ${id} to delete`);
}
