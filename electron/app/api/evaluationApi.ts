import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { EvaluationView, GoldenQuestion } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { blindSides } from "../evaluation/blindSides";
import type { EvalReport } from "../evaluation/EvalReport";
import { evaluateRunFolder } from "../evaluation/evaluateRunFolder";
import { parseGoldenFile } from "../evaluation/parseGoldenFile";
import { blindSummary, toBlindPair } from "../evaluation/toBlindPair";
import { writeEvaluation, writeReport, type ReportExtras } from "../evaluation/writeReport";
import { getBlindPair, listBlindPairs, rateBlindPair, setBlindPairs } from "../store/blindPairs";
import { finishEvaluationRow, getEvaluationRow, latestEvaluationOfRun, startEvaluationRow, type EvaluationRow } from "../store/evaluationRows";
import { addGoldenQuestions, deleteGoldenQuestion, listGoldenQuestions, type StoredGoldenQuestion } from "../store/goldenQuestions";
import type { Db } from "../store/openStore";
import { getRun, type Run } from "../store/runs";
import { datasetFileNames } from "../store/datasetFileNames";
import { addSignOff, latestSignOff } from "../store/signOffs";
import type { ApiContext } from "./ApiContext";

type EvaluationApi = Pick<
  StudioApiImpl,
  "listGoldenQuestions" | "addGoldenQuestions" | "importGoldenQuestions" | "deleteGoldenQuestion" | "evaluateRun" | "getEvaluation" | "listBlindPairs" | "rateBlindPair" | "signOff" | "renderReport"
>;

/** Pairs the expert rates blind when the project has no golden question yet: validation answers, at most this many. */
const FALLBACK_PAIRS = 20;

/**
 * Evaluation and sign-off: golden questions per project, an evaluation of a run in the background (every metric,
 * eval.json and report.html in the run folder, the whole result in the store), blind A/B pairs whose tuned side is
 * random per pair (seeded) and revealed only after rating, the expert's sign-off, and the report on demand.
 */
export function evaluationApi(ctx: ApiContext): EvaluationApi {
  const { db } = ctx;
  const running = new Map<string, AbortController>();
  ctx.onDispose(() => {
    for (const c of running.values()) c.abort();
  });
  const changed = (projectId: string | null) => ctx.events.emit("state.changed", { kind: "evaluations", projectId });

  async function runEvaluation(row: EvaluationRow, outDir: string, signal: AbortSignal): Promise<void> {
    const golden = listGoldenQuestions(db, row.projectId);
    const seed = Math.floor(Math.random() * 2 ** 32);
    try {
      const report = await evaluateRunFolder(outDir, {
        golden: golden.map((g) => ({ question: g.question, reference: g.reference })),
        settings: { blindSeed: seed },
        signal,
        onProgress: (p) => ctx.events.throttled(`evaluation:${row.id}`, "evaluation.progress", { runId: row.runId!, phase: `${p.phase}${p.side ? `:${p.side}` : ""}`, done: p.done, total: p.total, evaluation: null }),
      });
      const sources = report.golden.length
        ? report.golden.map((g) => ({ question: g.question, reference: g.reference, base: g.base, tuned: g.tuned }))
        : report.task.examples.slice(0, FALLBACK_PAIRS).map((e) => ({ question: e.question, reference: e.reference, base: e.base.text, tuned: e.tuned.text }));
      const sides = blindSides(seed, sources.length);
      db.transaction(() => {
        finishEvaluationRow(db, row.id, { metrics: report as unknown as Record<string, unknown> });
        setBlindPairs(db, row.id, sources.map((s, i) => ({ question: s.question, reference: s.reference, baseAnswer: s.base, tunedAnswer: s.tuned, tunedSide: sides[i]! })));
      })();
      await writeEvaluation(outDir, report, { sourceFiles: sourceFilesOf(db, row.runId ? getRun(db, row.runId) : null) });
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      finishEvaluationRow(db, row.id, { error: signal.aborted ? `cancelled: ${message}` : message });
    } finally {
      running.delete(row.id);
      ctx.events.flush(`evaluation:${row.id}`);
      ctx.events.emit("evaluation.progress", { runId: row.runId!, phase: "done", done: 1, total: 1, evaluation: evaluationView(db, getEvaluationRow(db, row.id)) });
      changed(row.projectId);
    }
  }

  return {
    async listGoldenQuestions({ projectId }) {
      return listGoldenQuestions(db, projectId).map(golden);
    },
    async addGoldenQuestions({ projectId, questions }) {
      const added = addGoldenQuestions(db, projectId, questions).map(golden);
      changed(projectId);
      return added;
    },
    async importGoldenQuestions({ projectId, path }) {
      if (!ctx.grants.allows(path)) throw new StudioApiError("forbidden", `${path} is outside the folders you chose; pick the file with the file dialog or upload it`);
      const added = addGoldenQuestions(db, projectId, await parseGoldenFile(path)).map(golden);
      changed(projectId);
      return added;
    },
    async deleteGoldenQuestion({ questionId }) {
      const row = db.prepare("SELECT project_id FROM golden_questions WHERE id = ?").get(questionId) as { project_id: string } | undefined;
      deleteGoldenQuestion(db, questionId);
      changed(row?.project_id ?? null);
      return { deleted: true };
    },
    async evaluateRun({ runId }) {
      const run = getRun(db, runId);
      if (!run.projectId) throw new StudioApiError("invalid-input", `run ${runId} belongs to no project; evaluate it with \`lora-studio eval --run ${run.outDir}\``);
      if (run.status !== "finished") throw new StudioApiError("conflict", `run ${runId} is ${run.status}; evaluate it once it has finished`);
      const current = latestEvaluationOfRun(db, runId);
      if (current?.status === "running" && running.has(current.id)) throw new StudioApiError("conflict", `run ${runId} is being evaluated already (evaluation ${current.id}); wait for it to finish`);
      const row = startEvaluationRow(db, run.projectId, runId);
      const controller = new AbortController();
      running.set(row.id, controller);
      void runEvaluation(row, run.outDir, controller.signal);
      changed(run.projectId);
      return evaluationView(db, row);
    },
    async getEvaluation({ runId }) {
      const row = latestEvaluationOfRun(db, runId);
      return row ? evaluationView(db, row) : null;
    },
    async listBlindPairs({ evaluationId }) {
      getEvaluationRow(db, evaluationId);
      return listBlindPairs(db, evaluationId).map(toBlindPair);
    },
    async rateBlindPair({ pairId, choice, comment }) {
      getBlindPair(db, pairId);
      const pair = rateBlindPair(db, pairId, choice, comment?.trim() ? comment.trim() : null);
      changed(getEvaluationRow(db, pair.evaluationId).projectId);
      return toBlindPair(pair);
    },
    async signOff({ evaluationId, name, comment }) {
      const row = getEvaluationRow(db, evaluationId);
      if (row.status !== "finished") throw new StudioApiError("conflict", `evaluation ${evaluationId} is ${row.status}; sign off a finished evaluation`);
      addSignOff(db, evaluationId, name, comment);
      const run = row.runId ? getRun(db, row.runId) : null;
      if (run) await writeReport(run.outDir, "html", join(run.outDir, "report.html"), reportExtras(db, row));
      changed(row.projectId);
      return evaluationView(db, row);
    },
    async renderReport({ runId, format }) {
      const run = getRun(db, runId);
      const row = latestEvaluationOfRun(db, runId);
      const path = await writeReport(run.outDir, format, join(run.outDir, `report.${format}`), row ? reportExtras(db, row) : { sourceFiles: sourceFilesOf(db, run) });
      return { path, format, html: format === "html" ? await readFile(path, "utf8") : null };
    },
  };
}

const golden = (q: StoredGoldenQuestion): GoldenQuestion => ({ id: q.id, projectId: q.projectId, question: q.question, reference: q.reference, createdAt: q.createdAt });

/** The user's files of the run's dataset (clinic-faq.jsonl), for the report's data card; null when unknown. */
function sourceFilesOf(db: Db, run: Run | null): ReportExtras["sourceFiles"] {
  if (!run?.datasetId) return null;
  const d = db.prepare("SELECT files_json FROM datasets WHERE id = ?").get(run.datasetId) as { files_json: string } | undefined;
  const files = d ? datasetFileNames(d.files_json) : [];
  return files.length ? files : null;
}

/** The review and sign-off of an evaluation (and the user's file names), for its report. */
function reportExtras(db: Db, row: EvaluationRow): ReportExtras {
  const pairs = listBlindPairs(db, row.id);
  const s = latestSignOff(db, row.id);
  return {
    sourceFiles: sourceFilesOf(db, row.runId ? getRun(db, row.runId) : null),
    blind: blindSummary(pairs),
    ratedPairs: pairs.filter((p) => p.choice !== null).map((p) => ({ question: p.question, choice: p.choice!, tunedSide: p.tunedSide, comment: p.comment })),
    signOff: s ? { name: s.name, date: s.signedAt, comment: s.comment } : null,
  };
}

/** The renderer's view of an evaluation row (metrics table, warnings, worst examples, review, sign-off). */
export function evaluationView(db: Db, row: EvaluationRow): EvaluationView {
  const r = row.status === "finished" ? (row.metrics as unknown as EvalReport) : null;
  const pairs = listBlindPairs(db, row.id);
  const s = latestSignOff(db, row.id);
  return {
    id: row.id,
    runId: row.runId ?? "",
    projectId: row.projectId,
    createdAt: row.createdAt,
    status: row.status,
    error: row.error,
    metrics: r?.metrics ?? {},
    warnings: r?.warnings ?? [],
    worst: (r?.worst ?? []).map((w) => ({ prompt: w.question, reference: w.reference, base: w.base.text, tuned: w.tuned.text, f1Tuned: w.tuned.f1 })),
    memorization: r
      ? { probes: r.memorization.probes.length, verbatim: r.memorization.verbatimTuned, personalDataReproduced: r.memorization.personalDataReproduced.map((h) => ({ example: h.example, span: h.span })) }
      : { probes: 0, verbatim: 0, personalDataReproduced: [] },
    blind: pairs.length ? blindSummary(pairs) : null,
    signOff: s ? { name: s.name, date: s.signedAt, comment: s.comment } : null,
  };
}
