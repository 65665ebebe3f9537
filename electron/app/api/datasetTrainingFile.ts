import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { Db } from "../store/openStore";
import { getDataset, listExamples } from "../store/datasets";

/**
 * The stored dataset (already redacted as chosen at import) as JSONL files for training, one per side of the
 * stored split, so that training validates on exactly the examples the Compare step shows as held out: chats as
 * {"messages": [...]} (with "provenance" for a pair drafted from a document), document chunks as {"text": ...}; excluded examples left out. Written once per dataset (a
 * dataset never changes after import) under <home>/datasets, atomically.
 */
export async function datasetTrainingFiles(db: Db, home: string, datasetId: string): Promise<{ trainPath: string; validationPath: string | null }> {
  const dataset = getDataset(db, datasetId);
  const dir = join(home, "datasets");
  await mkdir(dir, { recursive: true });
  const write = async (split: "train" | "validation") => {
    const path = join(dir, `${dataset.id}.${split}.jsonl`);
    if (existsSync(path)) return path;
    // A drafted pair keeps its provenance, so the run's dataset.json (and its report) counts the drafted examples.
    const lines = listExamples(db, datasetId, { split }).map((e) =>
      JSON.stringify(e.kind === "chat" ? { messages: e.content.messages, ...(e.content.provenance ? { provenance: e.content.provenance } : {}) } : { text: e.content.text }),
    );
    if (lines.length === 0) return null;
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, lines.join("\n") + "\n");
    await rename(tmp, path);
    return path;
  };
  const trainPath = await write("train");
  if (!trainPath) throw new StudioApiError("invalid-input", `dataset "${dataset.name}" has no training example left after the checks; import more data in the Data step`);
  return { trainPath, validationPath: await write("validation") };
}

/** The validation share the dataset was split with at import (0.1 when it was not recorded). */
export function datasetValidationShare(db: Db, datasetId: string): number {
  const r = getDataset(db, datasetId).redaction as { validationShare?: number } | null;
  return typeof r?.validationShare === "number" ? r.validationShare : 0.1;
}
