import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeJsonAtomic } from "../../engine/training/runTrainingJob";
import type { EvalReport } from "./EvalReport";
import { loadReportInput } from "./loadReportInput";
import type { ReportInput } from "./ReportInput";
import { renderReportHtml } from "./renderReportHtml";
import { renderReportPdf } from "./renderReportPdf";

export type ReportExtras = Partial<Pick<ReportInput, "blind" | "ratedPairs" | "signOff" | "sourceFiles">>;

/** Writes DIR/eval.json and DIR/report.html for a finished evaluation; returns the two paths. */
export async function writeEvaluation(runDir: string, report: EvalReport, extras: ReportExtras = {}): Promise<{ evalPath: string; reportPath: string }> {
  const dir = resolve(runDir);
  const evalPath = join(dir, "eval.json");
  await writeJsonAtomic(evalPath, report);
  const reportPath = join(dir, "report.html");
  await writeReport(dir, "html", reportPath, { ...extras, evaluation: report });
  return { evalPath, reportPath };
}

/** Renders a run's report (eval.json when present, the review and sign-off when given) to a file. */
export async function writeReport(runDir: string, format: "html" | "pdf", outPath: string, extras: ReportExtras & { evaluation?: EvalReport } = {}): Promise<string> {
  const input = await loadReportInput(runDir, extras);
  const out = resolve(outPath);
  if (format === "html") await writeFile(out, renderReportHtml(input));
  else await renderReportPdf(input, out);
  return out;
}
