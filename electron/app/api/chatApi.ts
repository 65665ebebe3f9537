import { randomInt } from "node:crypto";
import { StudioApiError } from "../../contract/ApiError";
import type { ComparisonView, SamplingSettings } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { ChatEngine, type ChatTurn } from "../../engine/inference/ChatEngine";
import { ChatEngineError } from "../../engine/inference/ChatEngineError";
import { installThreadBudget } from "../hardware/threadBudget";
import { getBaseModel } from "../store/baseModels";
import { createComparison, getComparison, listComparisons, rateComparison, type Comparison } from "../store/comparisons";
import { listExamples } from "../store/datasets";
import type { Db } from "../store/openStore";
import { getProject } from "../store/projects";
import { newId } from "../store/rows";
import { getRun, type Run } from "../store/runs";
import { deleteSavedPrompt, listSavedPrompts, savePrompt } from "../store/savedPrompts";
import type { ApiContext } from "./ApiContext";
import { readSettingsFile } from "./appApi";
import { runAdapter } from "./runAdapter";

type ChatApi = Pick<StudioApiImpl, "compare" | "stopCompare" | "compareValidation" | "listComparisons" | "rateComparison" | "listSavedPrompts" | "savePrompt" | "deleteSavedPrompt">;

export interface ChatOptions {
  /** CPU threads per llama.cpp context (default: the app's thread budget; tests use 1 on busy machines). */
  chatThreads?: number;
  /** Tokens per context (default: the model's, at most 4096). */
  chatContextSize?: number;
}

const TUNED = "tuned";

/** Base versus tuned: side-by-side answers streamed as chat.token events, stored comparisons, ratings, saved prompts. */
export function chatApi(ctx: ApiContext, options: ChatOptions = {}): ChatApi {
  // Chat contexts take their threads from the app's budget (fewer while a run trains), unless chatThreads is set.
  installThreadBudget();
  const { db } = ctx;
  const engines = new Map<string, Promise<ChatEngine>>();
  const requests = new Map<string, AbortController>();
  ctx.onDispose(async () => {
    for (const c of requests.values()) c.abort();
    for (const e of await Promise.allSettled(engines.values())) if (e.status === "fulfilled") await e.value.dispose();
    engines.clear();
  });

  /** One engine per (base model, run adapter), opened on first use and kept until the app closes. */
  const engineFor = async (run: Run): Promise<ChatEngine> => {
    if (!run.baseModelId) throw new StudioApiError("failed", `run ${run.id} has no base model recorded; it cannot be compared`);
    const model = getBaseModel(db, run.baseModelId);
    const { path } = await runAdapter(db, run);
    const key = `${model.path}\u0000${path}`;
    let engine = engines.get(key);
    if (!engine) {
      engine = ChatEngine.open(model.path, {
        adapters: [{ path, id: TUNED }],
        ...(options.chatThreads ? { threads: options.chatThreads } : {}),
        ...(options.chatContextSize ? { contextSize: options.chatContextSize } : {}),
      });
      engines.set(key, engine);
      engine.catch(() => engines.get(key) === engine && engines.delete(key));
    }
    return engine;
  };

  /** Answers one input with both sides, streaming tokens under requestId, and stores the comparison. */
  const answer = async (run: Run, input: string | ChatTurn[], prompt: string, reference: string | null, blind: boolean, sampling: SamplingSettings, requestId: string): Promise<ComparisonView> => {
    const engine = await engineFor(run).catch((error: unknown) => {
      throw error instanceof ChatEngineError ? new StudioApiError("failed", error.message) : error;
    });
    const { adapter } = await runAdapter(db, run);
    const tunedSide = blind && randomInt(2) === 0 ? "a" : "b";
    const sideOf = (s: "base" | "tuned") => (s === "tuned" ? tunedSide : tunedSide === "a" ? "b" : "a");
    const controller = new AbortController();
    requests.set(requestId, controller);
    try {
      const result = await engine.compare(input, {
        adapter: TUNED,
        temperature: sampling.temperature,
        topP: sampling.topP,
        maxTokens: sampling.maxTokens,
        seed: sampling.seed,
        signal: controller.signal,
        onToken: (side, chunk) => ctx.events.emit("chat.token", { requestId, side: sideOf(side), text: chunk.text, done: false }),
      });
      for (const side of ["a", "b"] as const) ctx.events.emit("chat.token", { requestId, side, text: "", done: true });
      const [a, b] = tunedSide === "a" ? [result.tuned, result.base] : [result.base, result.tuned];
      const c = createComparison(db, { projectId: run.projectId!, prompt, aAdapterId: tunedSide === "a" ? adapter.id : null, bAdapterId: tunedSide === "b" ? adapter.id : null, aOutput: a.text, bOutput: b.text, blind });
      db.prepare("UPDATE comparisons SET run_id = ?, reference = ? WHERE id = ?").run(run.id, reference, c.id);
      ctx.events.emit("state.changed", { kind: "comparisons", projectId: run.projectId });
      return comparisonView(db, getComparison(db, c.id));
    } finally {
      requests.delete(requestId);
    }
  };

  const raterName = () => readSettingsFile(ctx.home).raterName.trim() || "expert";

  return {
    async compare({ projectId, runId, prompt, blind, sampling, requestId }) {
      getProject(db, projectId);
      const run = getRun(db, runId);
      if (run.projectId !== projectId) throw new StudioApiError("invalid-input", `run ${runId} belongs to another project; choose one of this project's runs`);
      const id = requestId ?? newId();
      if (requests.has(id)) throw new StudioApiError("conflict", `request ${id} is already answering; use a new requestId`);
      return answer(run, prompt, prompt, null, blind, sampling, id);
    },
    async stopCompare({ requestId }) {
      const c = requests.get(requestId);
      c?.abort();
      return { stopped: c !== undefined };
    },
    async compareValidation({ runId, limit, skip, blind }) {
      const run = getRun(db, runId);
      if (!run.datasetId) throw new StudioApiError("failed", `run ${runId} has no dataset recorded, so there are no validation examples to ask`);
      const examples = listExamples(db, run.datasetId, { split: "validation", limit: (skip + limit) * 4 }).filter((e) => e.kind === "chat");
      let toSkip = skip;
      const views: ComparisonView[] = [];
      const sampling: SamplingSettings = { temperature: 0, topP: 1, maxTokens: 256, seed: 1 };
      for (const e of examples) {
        if (views.length >= limit) break;
        const turns = e.content.messages ?? [];
        const last = turns.map((m) => m.role).lastIndexOf("assistant");
        if (last < 1 || turns[last - 1]!.role !== "user") continue;
        if (toSkip-- > 0) continue;
        const input = turns.slice(0, last) as ChatTurn[];
        views.push(await answer(run, input, turns[last - 1]!.content, turns[last]!.content, blind, sampling, `${runId}:validation:${e.key}`));
      }
      if (!views.length && skip === 0) throw new StudioApiError("failed", `the dataset of run ${runId} has no validation chat to ask; import data with a validation share above 0`);
      return views;
    },
    async listComparisons({ projectId }) {
      getProject(db, projectId);
      return listComparisons(db, projectId).map((c) => comparisonView(db, c)).reverse();
    },
    async rateComparison({ comparisonId, choice, note }) {
      rateComparison(db, comparisonId, raterName(), choice, note);
      const c = getComparison(db, comparisonId);
      ctx.events.emit("state.changed", { kind: "comparisons", projectId: c.projectId });
      return comparisonView(db, c);
    },
    async listSavedPrompts({ projectId }) {
      getProject(db, projectId);
      return listSavedPrompts(db, projectId);
    },
    async savePrompt({ projectId, text }) {
      return savePrompt(db, projectId, text);
    },
    async deleteSavedPrompt({ promptId }) {
      deleteSavedPrompt(db, promptId);
      return { deleted: true };
    },
  };
}

/** A stored comparison as the UI shows it: in blind mode, which side is tuned stays hidden until it is rated. */
export function comparisonView(db: Db, c: Comparison): ComparisonView {
  const extra = db.prepare("SELECT run_id, reference FROM comparisons WHERE id = ?").get(c.id) as { run_id: string | null; reference: string | null };
  const rating = c.ratings.at(-1) ?? null;
  const hidden = c.blind && rating === null;
  return {
    id: c.id,
    projectId: c.projectId,
    runId: extra.run_id,
    prompt: c.prompt,
    reference: extra.reference,
    a: c.aOutput,
    b: c.bOutput,
    aIs: hidden ? null : c.aAdapterId ? "tuned" : "base",
    bIs: hidden ? null : c.bAdapterId ? "tuned" : "base",
    blind: c.blind,
    rating: rating ? { choice: rating.choice, note: rating.note, rater: rating.rater } : null,
    createdAt: c.createdAt,
  };
}
