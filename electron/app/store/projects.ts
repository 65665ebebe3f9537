import { z } from "zod";
import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

export const NewProjectSchema = z.object({
  name: z.string().trim().min(1, "a project needs a name"),
  /** What the project is about, e.g. "clinic quality", shown in lists. */
  domain: z.string().trim().optional(),
  /** Main language of the data: "en", "zh", ... */
  language: z.string().trim().optional(),
});
export type NewProject = z.input<typeof NewProjectSchema>;

export interface Project {
  id: string;
  name: string;
  domain: string | null;
  language: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  domain: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
}
const toProject = (r: Row): Project => ({ id: r.id, name: r.name, domain: r.domain, language: r.language, createdAt: r.created_at, updatedAt: r.updated_at });

export function createProject(db: Db, input: NewProject): Project {
  const p = NewProjectSchema.parse(input);
  const now = nowIso();
  const id = newId();
  db.prepare("INSERT INTO projects (id, name, domain, language, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)").run(id, p.name, p.domain ?? null, p.language ?? null, now, now);
  return getProject(db, id);
}

export function getProject(db: Db, id: string): Project {
  const row = db.prepare("SELECT * FROM projects WHERE id = ?").get(id) as Row | undefined;
  if (!row) throw new NotFoundError(`no project with id ${id}; list them with \`lora-studio projects list\``);
  return toProject(row);
}

export function listProjects(db: Db): Project[] {
  return (db.prepare("SELECT * FROM projects ORDER BY created_at, rowid").all() as Row[]).map(toProject);
}

export function renameProject(db: Db, id: string, name: string): Project {
  const trimmed = NewProjectSchema.shape.name.parse(name);
  const r = db.prepare("UPDATE projects SET name = ?, updated_at = ? WHERE id = ?").run(trimmed, nowIso(), id);
  if (r.changes === 0) throw new NotFoundError(`no project with id ${id} to rename`);
  return getProject(db, id);
}

/** Deletes a project and everything recorded under it (datasets, runs, adapters, chats...) in one transaction. */
export function deleteProject(db: Db, id: string): void {
  const r = db.prepare("DELETE FROM projects WHERE id = ?").run(id);
  if (r.changes === 0) throw new NotFoundError(`no project with id ${id} to delete`);
}
