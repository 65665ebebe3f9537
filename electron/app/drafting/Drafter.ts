import { basename } from "node:path";
import type { ChatWrapper, LlamaChat, LlamaContext, LlamaJsonSchemaGrammar, LlamaModel } from "node-llama-cpp";
import type { Localized } from "../../contract/dto";
import { chatHistory } from "../../engine/inference/chatHistory";
import { chatWrapperForModel } from "../../engine/inference/chatWrapperForModel";
import { getLlamaRuntime, llamaThreads } from "../../engine/inference/llamaRuntime";
import { summarizeModel } from "../../engine/gguf/inspectModel";
import { installThreadBudget } from "../hardware/threadBudget";
import { validateGgufFile } from "../models/validateGgufFile";
import { draftMessage } from "./draftMessages";
import { answerBudget, DEFAULT_DRAFT_LIMITS, draftPrompt, draftSchema, skeletonJson, type DraftedPair, type DraftLimits } from "./draftPrompt";

/** The drafting model cannot be used at all (not GGUF, no chat template, too small a context); message in en + zh. */
export class DraftModelError extends Error {
  override name = "DraftModelError";
  constructor(
    readonly code: string,
    readonly localized: Localized,
  ) {
    super(localized.en);
  }
}

export interface DrafterOptions {
  /** Pairs asked for per passage. */
  pairs: number;
  /** CPU threads of the llama.cpp context (default: the app's thread budget for chat). */
  threads?: number;
  limits?: DraftLimits;
  /** Tokens of a passage at most (default 384; less where the context is small). */
  passageTokens?: number;
  /** Tokens of the context (default the model's, at most 4096). */
  contextSize?: number;
}

export type DraftOutcome =
  | { ok: true; pairs: DraftedPair[]; ms: number }
  | { ok: false; reason: "cut" | "unreadable" | "too-long" | "aborted"; detail: string; tokens?: number; ms: number };

/** Fewest passage tokens worth drafting from; a context that leaves less is too small. */
const MIN_PASSAGE_TOKENS = 48;
const DEFAULT_PASSAGE_TOKENS = 384;

/**
 * A local GGUF model that drafts question-answer pairs from passages with llama.cpp: the model's own chat template,
 * a JSON-schema grammar so that every finished output parses, greedy decoding (drafts are reproducible), explicit
 * threads from the app's budget. One context, one passage at a time.
 */
export class Drafter {
  private constructor(
    readonly modelPath: string,
    readonly modelName: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly chat: LlamaChat,
    private readonly wrapper: ChatWrapper,
    private readonly grammar: LlamaJsonSchemaGrammar<ReturnType<typeof draftSchema>>,
    readonly pairs: number,
    readonly limits: DraftLimits,
    readonly maxTokens: number,
    /** Tokens a passage may have. */
    readonly passageTokens: number,
  ) {}

  /** Checks the file (GGUF, chat template), loads it and sizes passages to its context; DraftModelError when it cannot draft. */
  static async open(modelPath: string, options: DrafterOptions): Promise<Drafter> {
    // Threads from the app's budget (fewer while a run trains), also in the CLI, never llama.cpp's default.
    installThreadBudget();
    const name = basename(modelPath);
    const bad = await validateGgufFile(modelPath);
    if (bad) throw new DraftModelError("NOT_GGUF", draftMessage("NOT_GGUF", { model: name, detail: bad }));
    const summary = await summarizeModel(modelPath);
    if (!summary.hasChatTemplate) throw new DraftModelError("NO_CHAT_TEMPLATE", draftMessage("NO_CHAT_TEMPLATE", { model: name }));
    let limits = options.limits ?? DEFAULT_DRAFT_LIMITS;
    const llama = await getLlamaRuntime();
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath });
    } catch (error) {
      throw new DraftModelError("MODEL_LOAD_FAILED", draftMessage("MODEL_LOAD_FAILED", { model: name, detail: (error as Error).message.split("\n")[0]! }));
    }
    try {
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize || 4096, 4096);
      const wrapper = await chatWrapperForModel(model);
      const empty = { text: "", file: "x", page: 1 };
      const overhead = Math.max(...(["en", "zh"] as const).map((l) => countPrompt(model, wrapper, draftPrompt(empty, options.pairs, l, limits)))) + 16;
      const skeleton = (l: DraftLimits) => model.tokenize(skeletonJson(options.pairs, l)).length;
      const fitted = fitToContext(contextSize - overhead, options.pairs, limits, options.passageTokens ?? DEFAULT_PASSAGE_TOKENS, skeleton);
      if (!fitted) throw new DraftModelError("CONTEXT_TOO_SMALL", draftMessage("CONTEXT_TOO_SMALL", { model: name, context: contextSize, pairs: options.pairs }));
      limits = fitted.limits;
      const maxTokens = answerBudget(options.pairs, limits, skeleton(limits));
      const context = await model.createContext({ contextSize, sequences: 1, threads: llamaThreads("chat", options.threads, model.size) });
      const { LlamaChat } = await import("node-llama-cpp");
      const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: wrapper, autoDisposeSequence: true });
      const grammar = await llama.createGrammarForJsonSchema(draftSchema(options.pairs, limits));
      return new Drafter(modelPath, summary.name ?? name, model, context, chat, wrapper, grammar, options.pairs, limits, maxTokens, fitted.passageTokens);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  countTokens = (text: string): number => this.model.tokenize(text).length;

  /**
   * Whether the model can write Chinese: measured on the passage's own Han characters. Note: a vocabulary without
   * Chinese spells each character in 2-3 byte tokens (or an unknown token); one with Chinese has about one token per
   * character or fewer. Above 2 tokens per character (or any unknown token) the model cannot write the language.
   */
  canWriteChinese(text: string): { ok: boolean; tokensPerChar: number } {
    const han = (text.match(/[\u3400-\u4dbf\u4e00-\u9fff]/g) ?? []).slice(0, 400);
    if (han.length === 0) return { ok: true, tokensPerChar: 0 };
    const tokens = this.model.tokenize(han.join(""));
    const tokensPerChar = tokens.length / han.length;
    // An unknown token does not spell its characters back.
    const roundTrips = this.model.detokenize(tokens).includes(han.join(""));
    return { ok: roundTrips && tokensPerChar <= 2, tokensPerChar: Math.round(tokensPerChar * 100) / 100 };
  }

  /** Drafts the pairs of one passage; a cut or unreadable output, or a passage too long, is an outcome, not a throw. */
  async draft(passage: { text: string; file: string; page: number | null }, language: "en" | "zh", signal?: AbortSignal): Promise<DraftOutcome> {
    const start = performance.now();
    const ms = () => performance.now() - start;
    const prompt = draftPrompt(passage, this.pairs, language, this.limits);
    const promptTokens = countPrompt(this.model, this.wrapper, prompt);
    if (promptTokens + this.maxTokens > this.contextSize) return { ok: false, reason: "too-long", detail: "", tokens: promptTokens, ms: ms() };
    if (signal?.aborted) return { ok: false, reason: "aborted", detail: "", ms: 0 };
    let text: string;
    let stopReason: string;
    try {
      const result = await this.chat.generateResponse(history(prompt), {
        grammar: this.grammar,
        maxTokens: this.maxTokens,
        temperature: 0,
        ...(signal ? { signal, stopOnAbortSignal: true } : {}),
      });
      text = result.response;
      stopReason = result.metadata.stopReason;
    } catch (error) {
      if (signal?.aborted) return { ok: false, reason: "aborted", detail: "", ms: ms() };
      throw error;
    }
    if (stopReason === "abort" || signal?.aborted) return { ok: false, reason: "aborted", detail: "", ms: ms() };
    if (stopReason === "maxTokens") return { ok: false, reason: "cut", detail: "", ms: ms() };
    try {
      const parsed = this.grammar.parse(text) as { pairs: DraftedPair[] };
      const pairs = parsed.pairs.map((p) => ({ question: p.question.trim(), answer: p.answer.trim(), evidence: (p.evidence ?? []).map((e) => e.trim()).filter(Boolean) }));
      return { ok: true, pairs: pairs.filter((p) => p.question && p.answer), ms: ms() };
    } catch (error) {
      return { ok: false, reason: "unreadable", detail: (error as Error).message.split("\n")[0]!.slice(0, 200), ms: ms() };
    }
  }

  async dispose(): Promise<void> {
    this.chat.dispose({ disposeSequence: true });
    await this.context.dispose();
    await this.model.dispose();
  }
}

/** Fewest characters of an answer worth drafting; a context that leaves less is too small. */
const MIN_ANSWER_CHARS = 40;

/**
 * Passage size and string bounds that fit `room` tokens (the context less the prompt): a passage gets up to a third,
 * the answers the rest; where the bounds asked for do not fit, they shrink together down to a floor, and then the
 * passage shrinks (a small model's context, like the demo model's 1,024 tokens, still drafts, with shorter passages
 * and answers). Null when even the smallest do not fit.
 */
export function fitToContext(
  room: number,
  pairs: number,
  limits: DraftLimits,
  wantedPassage: number,
  skeleton: (l: DraftLimits) => number = (l) => skeletonJson(pairs, l).length,
): { limits: DraftLimits; passageTokens: number } | null {
  const third = Math.max(MIN_PASSAGE_TOKENS, Math.min(wantedPassage, Math.floor(room / 3)));
  const shrink = (n: number, min: number) => Math.max(min, Math.floor(n * 0.85));
  let fitted = limits;
  for (let i = 0; i < 60 && answerBudget(pairs, fitted, skeleton(fitted)) > room - third; i++) {
    const next = { questionChars: shrink(fitted.questionChars, 16), answerChars: shrink(fitted.answerChars, MIN_ANSWER_CHARS), evidenceItems: i >= 4 ? 1 : fitted.evidenceItems, evidenceChars: shrink(fitted.evidenceChars, 16) };
    if (JSON.stringify(next) === JSON.stringify(fitted)) break;
    fitted = next;
  }
  // What the answers leave goes to the passage, up to the size asked for.
  const passageTokens = Math.min(wantedPassage, room - answerBudget(pairs, fitted, skeleton(fitted)));
  return passageTokens >= MIN_PASSAGE_TOKENS ? { limits: fitted, passageTokens } : null;
}

function history(prompt: { system: string; user: string }) {
  return chatHistory([
    { role: "system", content: prompt.system },
    { role: "user", content: prompt.user },
  ]);
}

function countPrompt(model: LlamaModel, wrapper: ChatWrapper, prompt: { system: string; user: string }): number {
  return wrapper.generateContextState({ chatHistory: history(prompt) }).contextText.tokenize(model.tokenizer).length;
}
