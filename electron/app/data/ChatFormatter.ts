import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from "node-llama-cpp";
import { toChatHistoryItem } from "../../engine/inference/chatHistory";
import { chatWrapperForModel } from "../../engine/inference/chatWrapperForModel";
import { getLlamaRuntime } from "../../engine/inference/llamaRuntime";
import type { ChatMessage, Example, TrainingItem } from "./types";

/** Tokens and loss mask of one rendered example, before truncation. */
export interface RenderedExample {
  tokens: number[];
  lossMask: number[];
}

/**
 * Renders examples for training with the base model's own chat template: node-llama-cpp's chat wrapper for the
 * model (the one the app's chat uses), so that the training format and the chat never drift. Loads only the
 * vocabulary (no weights). Call dispose() when done.
 *
 * Note on the loss mask: the wrapper renders the last model turn open (as a generation prompt plus text), so each
 * assistant turn's span is found by rendering the history up to that turn twice, once with an empty response (its
 * start) and once with the response (its end), and tokenizing those prefixes; the end-of-turn token that follows
 * the content (appended by us after the last turn) is in the mask too, so the model learns to stop.
 */
export class ChatFormatter {
  private constructor(
    readonly model: LlamaModel,
    readonly wrapper: ChatWrapper,
    /** The token that ends an assistant turn (end-of-turn where the model has one, else end-of-sequence). */
    readonly endOfTurn: number,
  ) {}

  static async load(modelPath: string): Promise<ChatFormatter> {
    const llama = await getLlamaRuntime();
    const model = await llama.loadModel({ modelPath, vocabOnly: true });
    const wrapper = await chatWrapperForModel(model);
    const eot = model.tokens.eot ?? model.tokens.eos;
    if (eot === null) {
      await model.dispose();
      throw new Error(`${modelPath}: the model defines neither an end-of-turn nor an end-of-sequence token, so chats cannot be formatted for it`);
    }
    return new ChatFormatter(model, wrapper, Number(eot));
  }

  /** The chat template's name as node-llama-cpp resolved it ("ChatML", "Llama 3"...). */
  get templateName(): string {
    return this.wrapper.wrapperName;
  }

  countTokens = (text: string): number => this.model.tokenize(text).length;

  tokenize(text: string): number[] {
    return this.model.tokenize(text).map(Number);
  }

  detokenize(tokens: number[], specialTokens = true): string {
    return this.model.detokenize(tokens as Token[], specialTokens);
  }

  /** A chat's tokens with 1 on every assistant turn's content and its end-of-turn token. */
  renderChat(messages: ChatMessage[]): RenderedExample {
    const history = messages.map(toChatHistoryItem);
    const full = this.renderTokens(history);
    full.push(this.endOfTurn);
    const lossMask = new Array<number>(full.length).fill(0);
    const closers = new Set([this.endOfTurn, ...(this.model.tokens.eos !== null ? [Number(this.model.tokens.eos)] : [])]);
    for (let k = 0; k < history.length; k++) {
      if (history[k]!.type !== "model") continue;
      const start = commonPrefix(full, this.renderTokens([...history.slice(0, k), { type: "model", response: [] }]));
      const end = commonPrefix(full, this.renderTokens(history.slice(0, k + 1)));
      for (let i = start; i < end; i++) lossMask[i] = 1;
      if (end < full.length && closers.has(full[end]!)) lossMask[end] = 1;
    }
    return { tokens: full, lossMask };
  }

  /** A document chunk's tokens (BOS first where the model wants one), all in the loss. */
  renderDocument(text: string): RenderedExample {
    const bos = this.model.tokens.bos;
    const tokens = [...(this.model.tokens.shouldPrependBosToken && bos !== null ? [Number(bos)] : []), ...this.tokenize(text)];
    return { tokens, lossMask: new Array<number>(tokens.length).fill(1) };
  }

  render(example: Example): RenderedExample {
    return example.kind === "chat" ? this.renderChat(example.messages ?? []) : this.renderDocument(example.text ?? "");
  }

  /** The training item of an example, cut to `seqLen` tokens (the end is cut; `truncated` says how many). */
  format(example: Example, seqLen: number): TrainingItem {
    const { tokens, lossMask } = this.render(example);
    const cut = Math.max(0, tokens.length - seqLen);
    return {
      tokens: cut ? tokens.slice(0, seqLen) : tokens,
      lossMask: cut ? lossMask.slice(0, seqLen) : lossMask,
      exampleId: example.id,
      source: example.source,
      ...(cut ? { truncated: cut } : {}),
    };
  }

  private renderTokens(history: ChatHistoryItem[]): number[] {
    return this.wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(this.model.tokenizer).map(Number);
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}


/** How many leading tokens two renderings share (a prefix renders to a prefix for every template we know). */
function commonPrefix(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
