import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

/** One file of an adapter: the trained GGUF LoRA, an export (PEFT, Modelfile, merged GGUF), or the hand-off bundle. */
export interface AdapterFile {
  format: string;
  path: string;
  sha256: string;
  bytes?: number | null;
}

export interface Adapter {
  id: string;
  projectId: string | null;
  runId: string | null;
  name: string;
  createdAt: string;
  files: (AdapterFile & { createdAt: string })[];
}

/** Records an adapter and its files in one transaction. */
export function addAdapter(db: Db, input: { projectId?: string | null; runId?: string | null; name: string; files: AdapterFile[] }): Adapter {
  const id = newId();
  db.transaction(() => {
    db.prepare("INSERT INTO adapters (id, project_id, run_id, name, created_at) VALUES (?, ?, ?, ?, ?)").run(id, input.projectId ?? null, input.runId ?? null, input.name, nowIso());
    for (const f of input.files) addAdapterFile(db, id, f);
  })();
  return getAdapter(db, id);
}

/** Adds (or replaces, same path) one file of an adapter, e.g. an export made later. */
export function addAdapterFile(db: Db, adapterId: string, f: AdapterFile): void {
  db.prepare("INSERT OR REPLACE INTO adapter_files (adapter_id, format, path, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(adapterId, f.format, f.path, f.sha256, f.bytes ?? null, nowIso());
}

export function getAdapter(db: Db, id: string): Adapter {
  const row = db.prepare("SELECT * FROM adapters WHERE id = ?").get(id) as { id: string; project_id: string | null; run_id: string | null; name: string; created_at: string } | undefined;
  if (!row) throw new NotFoundError(`no adapter with id ${id}`);
  const files = db.prepare("SELECT * FROM adapter_files WHERE adapter_id = ? ORDER BY created_at, path").all(id) as { format: string; path: string; sha256: string; bytes: number | null; created_at: string }[];
  return {
    id: row.id,
    projectId: row.project_id,
    runId: row.run_id,
    name: row.name,
    createdAt: row.created_at,
    files: files.map((f) => ({ format: f.format, path: f.path, sha256: f.sha256, bytes: f.bytes, createdAt: f.created_at })),
  };
}

export function listAdapters(db: Db, filter: { projectId?: string; runId?: string } = {}): Adapter[] {
  const ids = filter.runId
    ? db.prepare("SELECT id FROM adapters WHERE run_id = ? ORDER BY created_at, rowid").all(filter.runId)
    : filter.projectId
      ? db.prepare("SELECT id FROM adapters WHERE project_id = ? ORDER BY created_at, rowid").all(filter.projectId)
      : db.prepare("SELECT id FROM adapters ORDER BY created_at, rowid").all();
  return (ids as { id: string }[]).map((r) => getAdapter(db, r.id));
}
