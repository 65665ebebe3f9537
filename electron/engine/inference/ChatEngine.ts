import { randomInt } from "node:crypto";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import type { ChatWrapper, LlamaModel } from "node-llama-cpp";
import { checkChatAdapterFile, readChatBaseShape, type ChatBaseShape } from "./chatAdapterFile";
import { ChatEngineError } from "./ChatEngineError";
import { ChatEngineSide, type ChatAnswer, type ChatChunk, type SamplingOptions } from "./ChatEngineSide";
import { chatHistory, type ChatInput } from "./chatHistory";
import { chatStream } from "./chatStream";
import { chatWrapperForModel } from "./chatWrapperForModel";
import { exportMerged, type MergedType } from "../export/exportMerged";
import { getLlamaRuntime } from "./llamaRuntime";

export type { ChatAnswer, ChatChunk, SamplingOptions } from "./ChatEngineSide";
export type { ChatInput, ChatTurn } from "./chatHistory";

/** An adapter given to the engine: a GGUF LoRA file, with an id to pick it by and its scale. */
export interface AdapterSpec {
  path: string;
  /** Default: the file name without .gguf (made unique with -2, -3...). */
  id?: string;
  /** llama.cpp's user scale (default 1): the update is scale · alpha / r · B·A. */
  scale?: number;
  /**
   * Answer with a merged copy of base + adapter (W + scale · alpha / r · B·A, written once to a temporary GGUF and
   * loaded as a second model) instead of applying the LoRA at run time. Note: llama.cpp applies a LoRA as two extra
   * matmuls per adapted projection, which costs a small model 10-15% of its speed; the merged copy runs at the base
   * model's speed, for the memory of a second model. Default false.
   */
  merged?: boolean;
  /** Tensor type of the merged copy (default F16). */
  mergedType?: MergedType;
}

export interface ChatAdapterInfo {
  id: string;
  path: string;
  scale: number;
  /** Served by a merged copy of the model (see AdapterSpec.merged). */
  merged: boolean;
  sha256: string;
  /** Adapted base tensors. */
  targets: number;
}

export interface ChatEngineOptions {
  adapters?: (string | AdapterSpec)[];
  /** Tokens per context (prompt + answer); default the model's training context, at most 4096. */
  contextSize?: number;
  /** CPU threads per context (default: the app's thread budget, llamaThreads("chat"); never llama.cpp's own). */
  threads?: number;
}

export interface GenerateOptions extends SamplingOptions {
  /** Adapter id, or null (the default) for the base model. */
  adapter?: string | null;
  /** Called with each piece of the answer as it is generated. */
  onToken?: (chunk: ChatChunk) => void;
}

export interface CompareOptions extends SamplingOptions {
  /** The tuned side's adapter id (default: the only adapter). */
  adapter?: string;
  /** Called with each piece of either answer as it is generated. */
  onToken?: (side: "base" | "tuned", chunk: ChatChunk) => void;
}

export interface ChatComparison {
  base: ChatAnswer;
  tuned: ChatAnswer;
  /** The one sampler seed both sides used (null with greedy decoding). */
  seed: number | null;
}

interface AdapterEntry extends ChatAdapterInfo {
  /** The file llama.cpp loads: `path`, or a content-named copy when `path` changed after it was first loaded. */
  loadPath: string;
  mergedType: MergedType;
}

/**
 * Chat with a base GGUF model and its LoRA adapters on llama.cpp, in plain Node (no Electron). One model is loaded
 * once; each adapter gets its own context over it (created on first use, then reused), the base model another, so
 * base and tuned answer the same prompt with the same sampling settings and seed, streamed token by token. Prompts
 * are rendered with the model's own chat wrapper, the one the training data was formatted with.
 *
 * Note: node-llama-cpp caches an adapter by file path until the model is disposed, so a file that changed after it
 * was loaded (an adapter trained again into the same path) is loaded from a copy named by its content hash.
 */
export class ChatEngine {
  private readonly entries = new Map<string, AdapterEntry>();
  private readonly sides = new Map<string | null, Promise<ChatEngineSide>>();
  /** Merged copies of the model by adapter id (AdapterSpec.merged). */
  private readonly mergedModels = new Map<string, Promise<LlamaModel>>();
  /** Every file path handed to llama.cpp, with the content it had then. */
  private readonly loadedContent = new Map<string, string>();
  private tempDir: string | undefined;
  private disposed = false;

  private constructor(
    readonly modelPath: string,
    private readonly model: LlamaModel,
    private readonly wrapper: ChatWrapper,
    private readonly base: ChatBaseShape,
    readonly contextSize: number,
    private readonly threads: number | undefined,
  ) {}

  static async open(modelPath: string, options: ChatEngineOptions = {}): Promise<ChatEngine> {
    const path = resolve(modelPath);
    const base = await readChatBaseShape(path).catch((error: Error) => {
      throw new ChatEngineError(`model ${path} cannot be read: ${error.message.split("\n")[0]}; give a .gguf model file`);
    });
    const llama = await getLlamaRuntime();
    const model = await llama.loadModel({ modelPath: path });
    try {
      const wrapper = await chatWrapperForModel(model);
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize || 4096, 4096);
      const engine = new ChatEngine(path, model, wrapper, base, contextSize, options.threads);
      for (const a of options.adapters ?? []) await engine.addAdapter(typeof a === "string" ? { path: a } : a);
      return engine;
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  /** The chat template's name as node-llama-cpp resolved it ("ChatML", "Llama 3"...). */
  get templateName(): string {
    return this.wrapper.wrapperName;
  }

  get adapters(): ChatAdapterInfo[] {
    return [...this.entries.values()].map(({ loadPath: _, ...info }) => info);
  }

  /**
   * Adds a GGUF LoRA adapter after checking it against the base model (architecture, tensor names and shapes).
   * Adding a path again returns its entry, reloaded if the file has changed since.
   */
  async addAdapter(spec: AdapterSpec | string): Promise<ChatAdapterInfo> {
    this.assertOpen();
    const { path: given, id: wantedId, scale = 1, merged = false, mergedType = "F16" } = typeof spec === "string" ? { path: spec } : spec;
    const path = resolve(given);
    if (!(Number.isFinite(scale) && scale >= 0)) throw new ChatEngineError(`adapter scale must be a number >= 0, got ${scale}`);
    const checked = await checkChatAdapterFile(path, this.base);
    const existing = [...this.entries.values()].find((e) => e.path === path && (wantedId === undefined || e.id === wantedId));
    if (existing && existing.sha256 === checked.sha256 && existing.scale === scale && existing.merged === merged) return this.info(existing);
    if (existing) await this.removeAdapter(existing.id);
    if (wantedId !== undefined && this.entries.has(wantedId)) throw new ChatEngineError(`an adapter with id "${wantedId}" is already loaded (${this.entries.get(wantedId)!.path}); pick another id or remove it first`);
    const id = wantedId ?? this.uniqueId(basename(path).replace(/\.gguf$/i, ""));
    const loadPath = await this.loadPathFor(path, checked.sha256);
    const entry: AdapterEntry = { id, path, scale, merged, mergedType, sha256: checked.sha256, targets: checked.targets.length, loadPath };
    this.entries.set(id, entry);
    return this.info(entry);
  }

  /** Forgets an adapter and frees its context (llama.cpp keeps the adapter's weights until the engine is disposed). */
  async removeAdapter(id: string): Promise<void> {
    if (!this.entries.delete(id)) throw new ChatEngineError(`no adapter "${id}" is loaded; loaded: ${this.adapterIds()}`);
    const side = this.sides.get(id);
    this.sides.delete(id);
    if (side) await (await side).dispose();
    const merged = this.mergedModels.get(id);
    this.mergedModels.delete(id);
    if (merged) await (await merged).dispose();
  }

  /** The prompt tokens the model evaluates for an input (its chat template, the generation prompt open). */
  promptTokens(input: ChatInput): number[] {
    return this.wrapper.generateContextState({ chatHistory: chatHistory(input) }).contextText.tokenize(this.model.tokenizer).map(Number);
  }

  /** Answers with the base model (adapter null or left out) or with one adapter; streams through onToken. */
  async generate(input: ChatInput, options: GenerateOptions = {}): Promise<ChatAnswer> {
    this.assertOpen();
    const history = chatHistory(input);
    const side = await this.side(options.adapter ?? null);
    const seed = (options.temperature ?? 0) > 0 ? (options.seed ?? randomInt(2 ** 31)) : undefined;
    return side.generate(history, this.promptTokens(input).length, { ...options, ...(seed !== undefined ? { seed } : {}), ...(options.onToken ? { onChunk: options.onToken } : {}) });
  }

  /** The answer as an async stream of chunks; the generator's return value is the whole answer. */
  stream(input: ChatInput, options: Omit<GenerateOptions, "onToken"> = {}): AsyncGenerator<ChatChunk, ChatAnswer, void> {
    return chatStream<ChatChunk, ChatAnswer>((onToken, signal) => this.generate(input, { ...options, signal, onToken }), options.signal);
  }

  /** Base and tuned answer the same input at once, with the same settings and seed. */
  async compare(input: ChatInput, options: CompareOptions = {}): Promise<ChatComparison> {
    this.assertOpen();
    const adapter = options.adapter ?? this.onlyAdapter();
    if (!this.entries.has(adapter)) throw new ChatEngineError(`no adapter "${adapter}" is loaded; loaded: ${this.adapterIds()}`);
    const seed = (options.temperature ?? 0) > 0 ? (options.seed ?? randomInt(2 ** 31)) : undefined;
    const { onToken, ...rest } = options;
    const common = { ...rest, ...(seed !== undefined ? { seed } : {}) };
    const [base, tuned] = await Promise.all([
      this.generate(input, { ...common, adapter: null, ...(onToken ? { onToken: (c: ChatChunk) => onToken("base", c) } : {}) }),
      this.generate(input, { ...common, adapter, ...(onToken ? { onToken: (c: ChatChunk) => onToken("tuned", c) } : {}) }),
    ]);
    return { base, tuned, seed: seed ?? null };
  }

  /** The tokens a side's context holds now (for tests and diagnostics). */
  async contextTokens(adapter: string | null = null): Promise<number[]> {
    return (await this.side(adapter)).contextTokens;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const sides = [...this.sides.values()];
    this.sides.clear();
    for (const s of await Promise.allSettled(sides)) if (s.status === "fulfilled") await s.value.dispose();
    const merged = [...this.mergedModels.values()];
    this.mergedModels.clear();
    for (const m of await Promise.allSettled(merged)) if (m.status === "fulfilled") await m.value.dispose();
    await this.model.dispose();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }

  private side(adapter: string | null): Promise<ChatEngineSide> {
    let side = this.sides.get(adapter);
    if (side) return side;
    let loraPath: string | undefined;
    let scale: number | undefined;
    let model: Promise<LlamaModel> = Promise.resolve(this.model);
    if (adapter !== null) {
      const entry = this.entries.get(adapter);
      if (!entry) return Promise.reject(new ChatEngineError(`no adapter "${adapter}" is loaded; loaded: ${this.adapterIds()}`));
      if (entry.merged) model = this.mergedModel(entry);
      else ({ loadPath: loraPath, scale } = entry);
    }
    const options = {
      adapter,
      contextSize: this.contextSize,
      ...(loraPath ? { loraPath, scale: scale ?? 1 } : {}),
      ...(this.threads ? { threads: this.threads } : {}),
    };
    side = model.then((m) => ChatEngineSide.create(m, this.wrapper, options));
    this.sides.set(adapter, side);
    side.catch(() => this.sides.get(adapter) === side && this.sides.delete(adapter));
    return side;
  }

  /** Base + adapter merged into a temporary GGUF and loaded (once per adapter); the user scale is folded in. */
  private mergedModel(entry: AdapterEntry): Promise<LlamaModel> {
    let model = this.mergedModels.get(entry.id);
    if (model) return model;
    model = (async () => {
      this.tempDir ??= await mkdtemp(join(tmpdir(), "lora-studio-chat-"));
      const outDir = join(this.tempDir, `merged-${entry.id}`);
      const { modelPath } = await exportMerged({ basePath: this.modelPath, adapterPath: entry.loadPath, outDir, type: entry.mergedType, scale: entry.scale });
      return (await getLlamaRuntime()).loadModel({ modelPath });
    })();
    this.mergedModels.set(entry.id, model);
    model.catch(() => this.mergedModels.get(entry.id) === model && this.mergedModels.delete(entry.id));
    return model;
  }

  /** The path llama.cpp should load for this content: the file itself, unless that path was loaded with other content. */
  private async loadPathFor(path: string, sha256: string): Promise<string> {
    const before = this.loadedContent.get(path);
    if (before === undefined || before === sha256) {
      this.loadedContent.set(path, sha256);
      return path;
    }
    this.tempDir ??= await mkdtemp(join(tmpdir(), "lora-studio-chat-"));
    const copy = join(this.tempDir, `${basename(path).replace(/\.gguf$/i, "")}-${sha256.slice(0, 16)}.gguf`);
    await copyFile(path, copy);
    this.loadedContent.set(copy, sha256);
    return copy;
  }

  private onlyAdapter(): string {
    if (this.entries.size !== 1) throw new ChatEngineError(`name the adapter to compare with the base model; loaded: ${this.adapterIds()}`);
    return [...this.entries.keys()][0]!;
  }

  private uniqueId(stem: string): string {
    let id = stem || "adapter";
    for (let n = 2; this.entries.has(id); n++) id = `${stem}-${n}`;
    return id;
  }

  private adapterIds(): string {
    return this.entries.size ? [...this.entries.keys()].join(", ") : "none";
  }

  private info({ loadPath: _, ...info }: AdapterEntry): ChatAdapterInfo {
    return info;
  }

  private assertOpen(): void {
    if (this.disposed) throw new ChatEngineError(`the chat engine for ${this.modelPath} has been disposed; open a new one`);
  }
}
