import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { DraftJobView, DraftView } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { sha256File } from "../../engine/util/sha256File";
import { DraftJobRunner } from "../drafting/DraftJobRunner";
import { recheckDraft } from "../drafting/recheckDraft";
import type { DraftLimits } from "../drafting/draftPrompt";
import { draftLine } from "../drafting/draftsFile";
import { getBaseModel } from "../store/baseModels";
import {
  acceptPassingDrafts,
  createDraftJob,
  draftCounts,
  getDraftJob,
  getPassage,
  listDraftJobs,
  listDrafts,
  passagesDone,
  passagesPerFile,
  reviewDraft,
  type DraftJob,
  type DraftJobFile,
  type StoredDraft,
  type StoredPassage,
} from "../store/draftJobs";
import type { Db } from "../store/openStore";
import { getProject } from "../store/projects";
import { newId } from "../store/rows";
import type { ApiContext } from "./ApiContext";
import { fileRef } from "./fileRef";

type DraftingApi = Pick<
  StudioApiImpl,
  "startDrafting" | "listDraftJobs" | "getDraftJob" | "pauseDrafting" | "resumeDrafting" | "cancelDrafting" | "listDrafts" | "reviewDraft" | "acceptPassingDrafts" | "exportAcceptedDrafts"
>;

export interface DraftingOptions {
  /** llama.cpp threads for drafting (default: the app's thread budget; tests use 1). */
  draftThreads?: number;
  /** Bounds of the drafted strings (tests keep them small: random-weight models write to the bound). */
  draftLimits?: DraftLimits;
  /** Tokens per passage at most (default 384, less where the model's context is small). */
  draftPassageTokens?: number;
  draftContextSize?: number;
}

/** The file of a job's accepted pairs, in its folder. */
export const ACCEPTED_DRAFTS_FILE = "accepted-drafts.jsonl";

/**
 * Drafting question-answer pairs from documents with a local model (issue 15): jobs that copy their documents into
 * <home>/drafts/<jobId>/ and draft in the background (drafting.progress events), pause, resume after a restart,
 * cancel; the review of each draft; the export of the accepted pairs as a drafts JSONL file the Data step imports.
 */
export function draftingApi(ctx: ApiContext, options: DraftingOptions = {}): DraftingApi {
  const { db } = ctx;
  const runner = new DraftJobRunner(db, {
    ...(options.draftThreads ? { threads: options.draftThreads } : {}),
    ...(options.draftLimits ? { limits: options.draftLimits } : {}),
    ...(options.draftPassageTokens ? { passageTokens: options.draftPassageTokens } : {}),
    ...(options.draftContextSize ? { contextSize: options.draftContextSize } : {}),
    onChange: (jobId, status) => {
      const view = draftJobView(db, getDraftJob(db, jobId));
      ctx.events.throttled(`drafting:${jobId}`, "drafting.progress", { jobId, projectId: view.projectId, job: view });
      if (status) {
        ctx.events.flush(`drafting:${jobId}`);
        ctx.events.emit("state.changed", { kind: "drafts", projectId: view.projectId });
      }
    },
  });
  ctx.onDispose(() => runner.dispose());
  const view = (jobId: string) => draftJobView(db, getDraftJob(db, jobId));

  return {
    async startDrafting({ projectId, paths, modelId, pairs }) {
      getProject(db, projectId);
      const model = getBaseModel(db, modelId);
      const sources = paths.map((p) => ctx.grants.check(p));
      const jobId = newId();
      const dir = join(ctx.home, "drafts", jobId);
      await mkdir(dir, { recursive: true });
      const files: DraftJobFile[] = [];
      const taken = new Set<string>();
      for (const source of sources) {
        const name = uniqueName(basename(source), taken);
        const path = join(dir, name);
        try {
          await copyFile(source, path);
        } catch (error) {
          throw new StudioApiError("failed", `cannot copy ${source} into the drafting job's folder ${dir}: ${(error as Error).message}; check that the file exists and the disk has room`);
        }
        files.push({ name, path, sha256: await sha256File(path) });
      }
      createDraftJob(db, { id: jobId, projectId, model: { path: model.path, name: model.name ?? basename(model.path), sha256: model.sha256 }, pairs, files });
      runner.start(jobId);
      return view(jobId);
    },
    async listDraftJobs({ projectId }) {
      getProject(db, projectId);
      return listDraftJobs(db, projectId).map((j) => draftJobView(db, j));
    },
    async getDraftJob({ jobId }) {
      return view(jobId);
    },
    async pauseDrafting({ jobId }) {
      const job = getDraftJob(db, jobId);
      if (job.status !== "running") throw new StudioApiError("conflict", `drafting job ${jobId} is ${job.status}, not running; only a running job can be paused`);
      await runner.stop(jobId, "paused");
      return view(jobId);
    },
    async resumeDrafting({ jobId }) {
      const job = getDraftJob(db, jobId);
      if (job.status === "running" && runner.isRunning(jobId)) return view(jobId);
      if (job.status === "finished" || job.status === "cancelled") {
        throw new StudioApiError("conflict", `drafting job ${jobId} is ${job.status}; start a new drafting job to draft again`);
      }
      runner.start(jobId);
      return view(jobId);
    },
    async cancelDrafting({ jobId }) {
      const job = getDraftJob(db, jobId);
      if (job.status === "finished" || job.status === "cancelled") return view(jobId);
      await runner.stop(jobId, "cancelled");
      return view(jobId);
    },
    async listDrafts({ jobId, status, limit, offset }) {
      getDraftJob(db, jobId);
      const page = listDrafts(db, jobId, { ...(status ? { status } : {}), limit, offset });
      const passages = new Map<number, StoredPassage>();
      const passageOf = (seq: number) => passages.get(seq) ?? passages.set(seq, getPassage(db, jobId, seq)).get(seq)!;
      return { drafts: page.drafts.map((d) => draftView(d, passageOf(d.passage))), total: page.total };
    },
    async reviewDraft({ draftId, action, question, answer }) {
      const reviewed = reviewDraft(db, draftId, action === "edit" ? { action, ...(question !== undefined ? { question } : {}), ...(answer !== undefined ? { answer } : {}) } : { action });
      // The checks follow the words kept: an edit (or a reset to the model's words) is checked again.
      const d = action === "edit" || action === "reset" ? recheckDraft(db, reviewed) : reviewed;
      const job = getDraftJob(db, d.jobId);
      ctx.events.emit("state.changed", { kind: "drafts", projectId: job.projectId });
      return draftView(d, getPassage(db, d.jobId, d.passage));
    },
    async acceptPassingDrafts({ jobId }) {
      const job = getDraftJob(db, jobId);
      acceptPassingDrafts(db, jobId);
      ctx.events.emit("state.changed", { kind: "drafts", projectId: job.projectId });
      return view(jobId);
    },
    async exportAcceptedDrafts({ jobId }) {
      const job = getDraftJob(db, jobId);
      const lines = acceptedLines(db, job);
      if (lines.length === 0) {
        throw new StudioApiError("conflict", `drafting job ${jobId} has no accepted or edited pair yet; accept (or edit) the pairs to keep, then export them`);
      }
      const path = join(ctx.home, "drafts", jobId, ACCEPTED_DRAFTS_FILE);
      await writeFile(path, lines.join("\n") + "\n");
      return { file: await fileRef(path), pairs: lines.length };
    },
  };
}

/** The accepted and edited pairs of a job as drafts-file lines, in drafting order. */
function acceptedLines(db: Db, job: DraftJob): string[] {
  const out: string[] = [];
  for (const status of ["accepted", "edited"] as const) {
    for (const d of listDrafts(db, job.id, { status }).drafts) {
      const p = getPassage(db, job.id, d.passage);
      out.push(
        draftLine({
          question: d.question,
          answer: d.answer,
          ...(d.status === "edited" ? { drafted: { question: d.draftedQuestion, answer: d.draftedAnswer } } : {}),
          source: sourceOf(d, p),
          checks: d.checks,
          model: { name: job.model.name, sha256: job.model.sha256 },
          status: d.status,
          passage: d.passage,
        }),
      );
    }
  }
  return out;
}

function sourceOf(d: StoredDraft, p: StoredPassage): DraftView["source"] {
  return { file: p.file, ...(p.page !== null ? { page: p.page } : {}), start: p.start, end: p.end, evidence: d.evidence };
}

export function draftView(d: StoredDraft, p: StoredPassage): DraftView {
  const edited = d.question !== d.draftedQuestion || d.answer !== d.draftedAnswer;
  return {
    id: d.id,
    jobId: d.jobId,
    passage: d.passage,
    question: d.question,
    answer: d.answer,
    drafted: edited ? { question: d.draftedQuestion, answer: d.draftedAnswer } : null,
    status: d.status,
    source: sourceOf(d, p),
    passageText: p.text,
    checks: d.checks,
  };
}

export function draftJobView(db: Db, job: DraftJob): DraftJobView {
  const perFile = passagesPerFile(db, job.id);
  const done = passagesDone(db, job.id);
  const total = job.passagesTotal ?? 0;
  const active = job.status === "running" || job.status === "paused" || job.status === "interrupted";
  return {
    id: job.id,
    projectId: job.projectId,
    status: job.status,
    model: { name: job.model.name, sha256: job.model.sha256 },
    pairs: job.pairs,
    files: job.files.map((f) => ({ name: f.name, passages: perFile.get(f.name) ?? 0 })),
    passagesDone: done,
    passagesTotal: total,
    secondsLeft: job.status === "finished" ? 0 : active && done > 0 && job.passagesTotal !== null ? Math.round((job.draftingMs / done) * (total - done) / 1000) : null,
    counts: draftCounts(db, job.id),
    problems: job.problems,
    error: job.error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${basename(name, extname(name))}-${i}${extname(name)}`;
  taken.add(candidate);
  return candidate;
}
