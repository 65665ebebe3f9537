import type { ChatWrapper, LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { toChatHistoryItem } from "../../engine/inference/chatHistory";
import { chatWrapperForModel } from "../../engine/inference/chatWrapperForModel";
import { getLlamaRuntime, llamaThreads } from "../../engine/inference/llamaRuntime";

export type Side = "base" | "tuned";

export interface Generation {
  tokens: number[];
  text: string;
  /** Wall time from the call to the last token (prompt evaluation included). */
  ms: number;
  /** Generated tokens per second over the whole call (prompt evaluation included). */
  tokensPerSecond: number | null;
  stoppedAtEnd: boolean;
}

export interface LlamaEvaluatorOptions {
  modelPath: string;
  adapterPath: string;
  /** Longest token sequence one call scores or generates into (prompt + answer). */
  contextSize: number;
  /** CPU threads per context (default: the app's thread budget, llamaThreads("evaluate")). */
  threads?: number;
}

/**
 * The base model loaded once in llama.cpp with two contexts over it, one plain and one with the adapter, for the
 * evaluation's scoring (per-token log-probs) and greedy generation at the token level. Note: both contexts keep the
 * KV cache in F32 with flash attention off, like the app's scorer, so that losses match the training engine's and
 * base and tuned differ by the adapter alone.
 */
export class LlamaEvaluator {
  private constructor(
    private readonly model: LlamaModel,
    private readonly wrapper: ChatWrapper,
    private readonly contexts: Record<Side, LlamaContext>,
    readonly contextSize: number,
  ) {}

  static async open(options: LlamaEvaluatorOptions): Promise<LlamaEvaluator> {
    const llama = await getLlamaRuntime();
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const size = Math.max(64, Math.ceil(options.contextSize / 64) * 64);
    const common = {
      contextSize: size,
      batchSize: size,
      sequences: 1,
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
      threads: llamaThreads("evaluate", options.threads, model.size),
    };
    const created: LlamaContext[] = [];
    try {
      const wrapper = await chatWrapperForModel(model);
      const base = await model.createContext(common as Parameters<LlamaModel["createContext"]>[0]);
      created.push(base);
      const tuned = await model.createContext({ ...common, lora: { adapters: [{ filePath: options.adapterPath, scale: 1 }] } } as Parameters<LlamaModel["createContext"]>[0]);
      created.push(tuned);
      return new LlamaEvaluator(model, wrapper, { base, tuned }, size);
    } catch (error) {
      for (const c of created) await c.dispose();
      await model.dispose();
      throw error;
    }
  }

  /** Tokens that end an answer: end-of-turn and end-of-sequence, plus any the caller names (the dataset's). */
  stopTokens(extra: number[] = []): Set<number> {
    const out = new Set(extra);
    for (const t of [this.model.tokens.eot, this.model.tokens.eos]) if (t !== null) out.add(Number(t));
    return out;
  }

  tokenize(text: string): number[] {
    return this.model.tokenize(text).map(Number);
  }

  /** A document's tokens as training rendered them: BOS first where the model wants one. */
  documentTokens(text: string): number[] {
    const bos = this.model.tokens.bos;
    return [...(this.model.tokens.shouldPrependBosToken && bos !== null ? [Number(bos)] : []), ...this.tokenize(text)];
  }

  detokenize(tokens: readonly number[], specialTokens = false): string {
    return this.model.detokenize(tokens as Token[], specialTokens);
  }

  /** The prompt tokens of one user question, rendered with the model's chat template, the answer turn open. */
  questionPrompt(question: string): number[] {
    const history = [toChatHistoryItem({ role: "user", content: question }), { type: "model" as const, response: [] }];
    return this.wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(this.model.tokenizer).map(Number);
  }

  /** logprobs[i] = log p(tokens[i+1] | tokens[0..i]) on one side. */
  async score(side: Side, tokens: readonly number[]): Promise<number[]> {
    if (tokens.length < 2) throw new Error(`scoring needs at least 2 tokens, got ${tokens.length}`);
    if (tokens.length > this.contextSize) throw new Error(`a sequence of ${tokens.length} tokens does not fit the evaluation context of ${this.contextSize}; cut it first`);
    const sequence = await this.freshSequence(side);
    const input = tokens.slice(0, -1).map((token, i) => [token, { generateNext: { logits: { filter: { tokens: [tokens[i + 1]!], includeTop: 1 } }, totalLogitWeight: true } }] as const);
    const results = await sequence.controlledEvaluate(input as never);
    return results.map((r, i) => {
      const next = r?.next as { logits?: Map<number, number>; totalLogitWeight?: number } | undefined;
      const logit = next?.logits?.get(tokens[i + 1]!);
      if (!next?.logits || next.totalLogitWeight === undefined || logit === undefined) throw new Error(`llama.cpp returned no logit for token ${tokens[i + 1]} at position ${i}`);
      // totalLogitWeight = sum_j exp(logit_j - max), so log p = logit - max - log(total) (as in scoreWithLlamaCpp).
      return logit - Math.max(...next.logits.values()) - Math.log(next.totalLogitWeight);
    });
  }

  /** Greedy decoding (temperature 0) of at most maxTokens after the prompt, stopping at a stop token. */
  async greedy(side: Side, prompt: readonly number[], maxTokens: number, stop: ReadonlySet<number>): Promise<Generation> {
    const room = this.contextSize - prompt.length;
    if (room < 1) throw new Error(`a prompt of ${prompt.length} tokens leaves no room to answer in the evaluation context of ${this.contextSize}`);
    const limit = Math.min(maxTokens, room);
    const sequence = await this.freshSequence(side);
    const started = performance.now();
    const tokens: number[] = [];
    let stoppedAtEnd = false;
    for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0 })) {
      const t = Number(token);
      if (stop.has(t)) {
        stoppedAtEnd = true;
        break;
      }
      tokens.push(t);
      if (tokens.length >= limit) break;
    }
    const ms = performance.now() - started;
    return { tokens, text: this.detokenize(tokens), ms, tokensPerSecond: tokens.length > 0 && ms > 0 ? (tokens.length * 1000) / ms : null, stoppedAtEnd };
  }

  private async freshSequence(side: Side): Promise<LlamaContextSequence> {
    const context = this.contexts[side];
    // One sequence per context, reused: cleared before each call so every prompt starts from an empty cache.
    const sequence = context.sequencesLeft > 0 ? context.getSequence() : this.sequences.get(side)!;
    this.sequences.set(side, sequence);
    await sequence.clearHistory();
    return sequence;
  }

  private readonly sequences = new Map<Side, LlamaContextSequence>();

  async dispose(): Promise<void> {
    for (const s of this.sequences.values()) s.dispose();
    this.sequences.clear();
    await this.contexts.base.dispose();
    await this.contexts.tuned.dispose();
    await this.model.dispose();
  }
}
