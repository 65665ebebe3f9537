import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

export interface StoredGoldenQuestion {
  id: string;
  projectId: string;
  question: string;
  reference: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  project_id: string;
  question: string;
  reference: string | null;
  created_at: string;
}

const toQuestion = (r: Row): StoredGoldenQuestion => ({ id: r.id, projectId: r.project_id, question: r.question, reference: r.reference, createdAt: r.created_at });

/** Adds an expert's questions (with reference answers where given) to a project, in one transaction. */
export function addGoldenQuestions(db: Db, projectId: string, questions: readonly { question: string; reference?: string | null }[]): StoredGoldenQuestion[] {
  if (!db.prepare("SELECT 1 FROM projects WHERE id = ?").get(projectId)) throw new NotFoundError(`no project with id ${projectId} to add golden questions to`);
  const insert = db.prepare("INSERT INTO golden_questions (id, project_id, question, reference, created_at) VALUES (?, ?, ?, ?, ?)");
  const ids: string[] = [];
  db.transaction(() => {
    for (const q of questions) {
      const id = newId();
      const reference = q.reference?.trim() ? q.reference.trim() : null;
      insert.run(id, projectId, q.question.trim(), reference, nowIso());
      ids.push(id);
    }
  })();
  return ids.map((id) => toQuestion(db.prepare("SELECT * FROM golden_questions WHERE id = ?").get(id) as Row));
}

export function listGoldenQuestions(db: Db, projectId: string): StoredGoldenQuestion[] {
  return (db.prepare("SELECT * FROM golden_questions WHERE project_id = ? ORDER BY created_at, rowid").all(projectId) as Row[]).map(toQuestion);
}

export function deleteGoldenQuestion(db: Db, id: string): void {
  if (db.prepare("DELETE FROM golden_questions WHERE id = ?").run(id).changes === 0) throw new NotFoundError(`no golden question with id ${id}`);
}
