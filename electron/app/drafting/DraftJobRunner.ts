import type { DraftJobStatus } from "../../contract/dto";
import type { Db } from "../store/openStore";
import { finishPassage, getDraftJob, jobQuestions, listPassages, setDraftJobStatus, storePassages } from "../store/draftJobs";
import { QuestionIndex } from "./checkDraft";
import { draftMessage } from "./draftMessages";
import { draftPassage } from "./draftPassage";
import type { DraftLimits } from "./draftPrompt";
import { Drafter, DraftModelError } from "./Drafter";
import { readDocument, splitPassages, type Passage } from "./readPassages";

export interface DraftJobRunnerOptions {
  /** llama.cpp threads (default: the app's budget for chat, which shares the machine with training). */
  threads?: number;
  limits?: DraftLimits;
  passageTokens?: number;
  contextSize?: number;
  /** Called after every change of a job (a passage done; `status` true when its status changed): the api sends events from here. */
  onChange?: (jobId: string, status: boolean) => void;
}

interface Running {
  controller: AbortController;
  /** What the job becomes when its loop stops on the abort. */
  stopAs: DraftJobStatus | null;
  done: Promise<void>;
}

/**
 * Runs drafting jobs in this process, one loop per job: load the model, read and split the documents once (stored
 * with the job, so a resumed job drafts the same passages), then each passage not yet done, its drafts and its done
 * mark written in one transaction. Pause and cancel stop the loop between tokens; the passage in progress is drafted
 * again on resume (its partial output was never stored).
 */
export class DraftJobRunner {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly db: Db,
    private readonly options: DraftJobRunnerOptions = {},
  ) {}

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Starts (or continues) a job's loop; the job's status becomes running. */
  start(jobId: string): void {
    if (this.running.has(jobId)) return;
    setDraftJobStatus(this.db, jobId, "running");
    const controller = new AbortController();
    const entry: Running = { controller, stopAs: null, done: Promise.resolve() };
    this.running.set(jobId, entry);
    entry.done = this.loop(jobId, controller.signal)
      .then(
        (finished) => {
          if (finished) setDraftJobStatus(this.db, jobId, "finished");
          else if (entry.stopAs) setDraftJobStatus(this.db, jobId, entry.stopAs);
        },
        (error: unknown) => {
          const localized = error instanceof DraftModelError ? error.localized : draftMessage("DRAFTING_FAILED", { detail: (error as Error).message?.split("\n")[0] ?? String(error) });
          setDraftJobStatus(this.db, jobId, entry.stopAs ?? "failed", entry.stopAs ? null : localized);
        },
      )
      .finally(() => {
        this.running.delete(jobId);
        this.notify(jobId, true);
      });
    this.notify(jobId, true);
  }

  /** Stops a running job's loop (waiting for it), and sets the status; a job not running just gets the status. */
  async stop(jobId: string, as: "paused" | "cancelled" | "interrupted"): Promise<void> {
    const entry = this.running.get(jobId);
    if (!entry) {
      setDraftJobStatus(this.db, jobId, as);
      this.notify(jobId, true);
      return;
    }
    entry.stopAs = as;
    entry.controller.abort();
    await entry.done;
  }

  /** Stops every loop (the app closes): the jobs become interrupted and resume later. */
  async dispose(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, "interrupted")));
  }

  /** Tells the api; a job deleted meanwhile (its project was) has nothing left to tell, and must not crash the app. */
  private notify(jobId: string, status: boolean): void {
    try {
      this.options.onChange?.(jobId, status);
    } catch {
      // The job's row is gone (project deleted): nobody shows it any more.
    }
  }

  /** True when every passage is done, false when stopped by the signal. */
  private async loop(jobId: string, signal: AbortSignal): Promise<boolean> {
    const job = getDraftJob(this.db, jobId);
    const drafter = await Drafter.open(job.model.path, {
      pairs: job.pairs,
      ...(this.options.threads ? { threads: this.options.threads } : {}),
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      ...(this.options.passageTokens ? { passageTokens: this.options.passageTokens } : {}),
      ...(this.options.contextSize ? { contextSize: this.options.contextSize } : {}),
    });
    try {
      if (job.passagesTotal === null) {
        const passages: Passage[] = [];
        const problems = [];
        for (const f of job.files) {
          if (signal.aborted) return false;
          const doc = await readDocument(f.path, f.name, signal);
          problems.push(...doc.problems);
          passages.push(...splitPassages(doc, f.name, drafter.passageTokens, drafter.countTokens));
        }
        storePassages(this.db, jobId, passages, problems);
        this.notify(jobId, false);
      }
      const questions = new QuestionIndex(jobQuestions(this.db, jobId));
      for (const p of listPassages(this.db, jobId, { pending: true })) {
        if (signal.aborted) return false;
        const result = await draftPassage(drafter, p, questions, signal);
        if (result.aborted) return false;
        finishPassage(this.db, jobId, p.seq, result.drafts, result.problems, result.ms);
        this.notify(jobId, false);
      }
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      throw error;
    } finally {
      await drafter.dispose();
    }
  }
}
