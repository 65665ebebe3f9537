import { looksLikeDraftLine, parseDraftLine, provenanceOf } from "../drafting/draftsFile";
import type { DraftProvenance } from "./types";
import type { RecordsResult } from "./importJsonl";
import { problem } from "./messages";

/**
 * The lines of a drafts JSONL file as they import: an accepted or edited pair becomes a chat example (user = question,
 * assistant = answer) with its provenance; pending pairs are left out unless includeUnreviewed, rejected ones always.
 * A file with drafts but none imported gets an error that says what to do, one with some left out a note.
 */
export class DraftRecords {
  private seen = 0;
  private pending = 0;
  private rejected = 0;

  constructor(
    private readonly file: string,
    private readonly includeUnreviewed: boolean,
  ) {}

  /** Handles the record when it is a drafts-file line (true), else leaves it to the other formats (false). */
  add(out: RecordsResult, value: unknown, location: { file: string; line: number }): boolean {
    if (!looksLikeDraftLine(value)) return false;
    this.seen++;
    const parsed = parseDraftLine(value);
    if (!parsed.ok) {
      out.problems.push(problem("BAD_RECORD", location, { detail: parsed.detail, detailZh: parsed.detailZh }));
      return true;
    }
    const d = parsed.line;
    if (d.status === "rejected") return (this.rejected++, true);
    if (d.status === "pending" && !this.includeUnreviewed) return (this.pending++, true);
    out.formats.drafts = (out.formats.drafts ?? 0) + 1;
    out.examples.push({
      id: `${location.file}:L${location.line}`,
      kind: "chat",
      messages: [
        { role: "user", content: d.question },
        { role: "assistant", content: d.answer },
      ],
      // Pairs of one passage stay on one side of the split (they share their facts).
      group: `draft:${d.source.file}:${d.source.start}`,
      source: location,
      provenance: provenanceOf(d),
    });
    return true;
  }

  finish(out: RecordsResult): void {
    if (this.seen === 0 || this.pending + this.rejected === 0) return;
    const params = { count: this.seen, pending: this.pending, rejected: this.rejected };
    const imported = out.formats.drafts ?? 0;
    out.problems.push(problem(imported === 0 ? "DRAFTS_NONE_ACCEPTED" : "DRAFTS_LEFT_OUT", { file: this.file }, params));
  }
}

/**
 * A chat record written by the app for training (datasetTrainingFiles) may carry the provenance of a drafted pair;
 * the example just read from it keeps it.
 */
export function keepProvenance(out: RecordsResult, value: unknown): void {
  const p = (value as { provenance?: Partial<DraftProvenance> } | null)?.provenance;
  const last = out.examples.at(-1);
  if (!p || !last || last.provenance || last.kind !== "chat") return;
  if (typeof p.model?.name !== "string" || typeof p.model?.sha256 !== "string" || typeof p.source?.file !== "string" || !["accepted", "edited", "unreviewed"].includes(p.review as string)) return;
  last.provenance = p as DraftProvenance;
}
