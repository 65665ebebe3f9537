import type { ModelInspection } from "../../engine/gguf/inspectModel";
import type { Db } from "./openStore";
import { newId, nowIso } from "./rows";
import { NotFoundError } from "./StoreError";

export interface BaseModel {
  id: string;
  path: string;
  sha256: string;
  name: string | null;
  architecture: string;
  parameters: number;
  /** The type most of the weights are stored in: "Q8_0", "F16", "Q4_K"... */
  quantization: string;
  fileSize: number | null;
  contextLength: number | null;
  addedAt: string;
}

interface Row {
  id: string;
  path: string;
  sha256: string;
  name: string | null;
  architecture: string;
  parameters: number;
  quantization: string;
  file_size: number | null;
  context_length: number | null;
  added_at: string;
}
const toModel = (r: Row): BaseModel => ({
  id: r.id,
  path: r.path,
  sha256: r.sha256,
  name: r.name,
  architecture: r.architecture,
  parameters: r.parameters,
  quantization: r.quantization,
  fileSize: r.file_size,
  contextLength: r.context_length,
  addedAt: r.added_at,
});

/** The weight type of most tensors (F32 norms are many but small, so they only count when nothing else is there). */
export function mainQuantization(tensorTypes: Record<string, number>): string {
  const entries = Object.entries(tensorTypes).sort((a, b) => b[1] - a[1]);
  return (entries.find(([t]) => t !== "F32") ?? entries[0] ?? ["unknown"])[0];
}

/** Records a base model from its inspection; the same file (path and hash) is recorded once and returned again. */
export function addBaseModel(db: Db, m: ModelInspection): BaseModel {
  const existing = db.prepare("SELECT * FROM base_models WHERE path = ? AND sha256 = ?").get(m.path, m.sha256) as Row | undefined;
  if (existing) return toModel(existing);
  const id = newId();
  db.prepare(
    "INSERT INTO base_models (id, path, sha256, name, architecture, parameters, quantization, file_size, context_length, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(id, m.path, m.sha256, m.name, m.architecture, m.parameters, mainQuantization(m.tensorTypes), m.fileSize, m.contextLength, nowIso());
  return getBaseModel(db, id);
}

export function getBaseModel(db: Db, id: string): BaseModel {
  const row = db.prepare("SELECT * FROM base_models WHERE id = ?").get(id) as Row | undefined;
  if (!row) throw new NotFoundError(`no base model with id ${id}`);
  return toModel(row);
}

export function findBaseModel(db: Db, path: string, sha256: string): BaseModel | null {
  const row = db.prepare("SELECT * FROM base_models WHERE path = ? AND sha256 = ?").get(path, sha256) as Row | undefined;
  return row ? toModel(row) : null;
}

export function listBaseModels(db: Db): BaseModel[] {
  return (db.prepare("SELECT * FROM base_models ORDER BY added_at, rowid").all() as Row[]).map(toModel);
}
