import type { ChatHistoryItem, ChatWrapper, LlamaChat, LlamaContext, LlamaModel } from "node-llama-cpp";
import { llamaThreads } from "./llamaRuntime";

/** Sampling and limits of one generation; the same values go to the base and the tuned side of a comparison. */
export interface SamplingOptions {
  /** Most tokens to generate (default 256). */
  maxTokens?: number;
  /** 0 (the default) is greedy decoding: always the most likely token. */
  temperature?: number;
  /** Seed of the sampler (with temperature > 0); the engine draws one when none is given and reports it. */
  seed?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  /** Penalty on recently generated tokens (llama.cpp's repeat penalty, e.g. 1.1); off by default. */
  repeatPenalty?: number;
  /** Stops the generation; the answer so far is returned with stopReason "aborted". */
  signal?: AbortSignal;
}

/** A piece of an answer as it streams: the new text and the tokens it came from. */
export interface ChatChunk {
  text: string;
  tokens: number[];
}

export type ChatStopReason = "end" | "maxTokens" | "aborted";

/** One finished (or stopped) answer. */
export interface ChatAnswer {
  /** The adapter id that answered, null for the base model. */
  adapter: string | null;
  text: string;
  /** The generated tokens, in order. */
  tokens: number[];
  stopReason: ChatStopReason;
  /** Tokens of the rendered prompt. */
  promptTokens: number;
  /** The sampler seed used (null for greedy decoding). */
  seed: number | null;
  /** From the call to the first generated token (prompt evaluation included); null when none came. */
  timeToFirstTokenMs: number | null;
  totalMs: number;
  /** Generation speed after the first token (tokens 2..n over their time); null with fewer than 2 tokens. */
  tokensPerSecond: number | null;
}

export interface SideGenerateOptions extends SamplingOptions {
  seed?: number;
  onChunk?: (chunk: ChatChunk) => void;
}

/**
 * One llama.cpp context over the shared model, with or without one adapter, and the LlamaChat that talks to it
 * with the model's chat wrapper. Generations on one side run one at a time (a context sequence holds one chat
 * state); LlamaChat reuses the evaluated prefix of the previous chat on the same side.
 */
export class ChatEngineSide {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly adapter: string | null,
    private readonly context: LlamaContext,
    private readonly chat: LlamaChat,
  ) {}

  static async create(
    model: LlamaModel,
    wrapper: ChatWrapper,
    options: { adapter: string | null; loraPath?: string; scale?: number; contextSize: number; threads?: number },
  ): Promise<ChatEngineSide> {
    const { LlamaChat } = await import("node-llama-cpp");
    const context = await model.createContext({
      contextSize: options.contextSize,
      sequences: 1,
      threads: llamaThreads("chat", options.threads, model.size),
      ...(options.loraPath ? { lora: { adapters: [{ filePath: options.loraPath, scale: options.scale ?? 1 }] } } : {}),
    });
    const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: wrapper, autoDisposeSequence: true });
    return new ChatEngineSide(options.adapter, context, chat);
  }

  /** Tokens now held in this side's context (the last prompt and answer). */
  get contextTokens(): number[] {
    return this.chat.sequence.contextTokens.map(Number);
  }

  generate(history: ChatHistoryItem[], promptTokens: number, options: SideGenerateOptions): Promise<ChatAnswer> {
    const run = () => this.generateNow(history, promptTokens, options);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  private async generateNow(history: ChatHistoryItem[], promptTokens: number, options: SideGenerateOptions): Promise<ChatAnswer> {
    const tokens: number[] = [];
    const start = performance.now();
    let first: number | null = null;
    let last = start;
    const temperature = options.temperature ?? 0;
    const answer = (text: string, stopReason: ChatStopReason): ChatAnswer => {
      const totalMs = performance.now() - start;
      return {
        adapter: this.adapter,
        text,
        tokens,
        stopReason,
        promptTokens,
        seed: temperature > 0 ? (options.seed ?? null) : null,
        timeToFirstTokenMs: first === null ? null : first - start,
        totalMs,
        tokensPerSecond: first !== null && tokens.length > 1 && last > first ? ((tokens.length - 1) * 1000) / (last - first) : null,
      };
    };
    if (options.signal?.aborted) return answer("", "aborted");
    try {
      const result = await this.chat.generateResponse(history, {
        maxTokens: options.maxTokens ?? 256,
        temperature,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.topK !== undefined ? { topK: options.topK } : {}),
        ...(options.topP !== undefined ? { topP: options.topP } : {}),
        ...(options.minP !== undefined ? { minP: options.minP } : {}),
        repeatPenalty: options.repeatPenalty && options.repeatPenalty !== 1 ? { penalty: options.repeatPenalty } : false,
        ...(options.signal ? { signal: options.signal, stopOnAbortSignal: true } : {}),
        onResponseChunk: (chunk) => {
          if (chunk.tokens.length === 0 && chunk.text === "") return;
          const now = performance.now();
          if (first === null && chunk.tokens.length > 0) first = now;
          last = now;
          const ids = chunk.tokens.map(Number);
          tokens.push(...ids);
          if (chunk.type === undefined) options.onChunk?.({ text: chunk.text, tokens: ids });
        },
      });
      const reason = result.metadata.stopReason;
      return answer(result.response, reason === "maxTokens" ? "maxTokens" : reason === "abort" ? "aborted" : "end");
    } catch (error) {
      // Aborted before the first token: node-llama-cpp throws the signal's reason; that is a stop, not a failure.
      if (options.signal?.aborted) return answer("", "aborted");
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.queue.catch(() => {});
    this.chat.dispose({ disposeSequence: true });
    await this.context.dispose();
  }
}
