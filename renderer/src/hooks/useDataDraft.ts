import { useCallback, useState } from "react";
import type { ColumnMapping, FileRef, PiiKind, RedactionMode } from "../../../electron/contract/dto";

/** What the Data step holds before an import: kept per project across reloads until imported or started over. */
export interface DataDraft {
  files: FileRef[];
  columns: Record<string, ColumnMapping>;
  redaction: Partial<Record<PiiKind, RedactionMode>>;
  /** Share of examples held back for checking, 0..0.5. */
  share: number;
}

const key = (projectId: string) => `loraStudio.dataDraft.${projectId}`;
export const EMPTY_DRAFT: DataDraft = { files: [], columns: {}, redaction: {}, share: 0.1 };

/** Reads a stored draft, ignoring anything malformed (an older build's shape, a hand-edited value). */
export function parseDataDraft(raw: string | null): DataDraft {
  if (!raw) return EMPTY_DRAFT;
  try {
    const d = JSON.parse(raw) as Partial<DataDraft>;
    const files = Array.isArray(d.files) ? d.files.filter((f) => f && typeof f.path === "string" && typeof f.name === "string") : [];
    const share = typeof d.share === "number" && d.share >= 0 && d.share <= 0.5 ? d.share : EMPTY_DRAFT.share;
    const obj = <T>(x: unknown): T => (x && typeof x === "object" && !Array.isArray(x) ? (x as T) : ({} as T));
    return { files, columns: obj(d.columns), redaction: obj(d.redaction), share };
  } catch {
    return EMPTY_DRAFT;
  }
}

export function useDataDraft(projectId: string): [DataDraft, (d: DataDraft) => void] {
  const [draft, setDraft] = useState<DataDraft>(() => parseDataDraft(localStorage.getItem(key(projectId))));
  const save = useCallback(
    (d: DataDraft) => {
      if (d.files.length === 0) localStorage.removeItem(key(projectId));
      else localStorage.setItem(key(projectId), JSON.stringify(d));
      setDraft(d);
    },
    [projectId],
  );
  return [draft, save];
}
