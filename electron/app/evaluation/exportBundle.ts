import type { ExportResult } from "../../engine/export/ExportResult";

/** The hand-off bundle for IT (issue 9): being built. */
export async function exportBundle(_runDir: string, _outDir: string): Promise<ExportResult> {
  throw new Error("the hand-off bundle is not built yet");
}
