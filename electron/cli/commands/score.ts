import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type Command } from "../Command";
import { optionalChoice, optionalString, requireString } from "../args";
import { checkChatAdapterFile, readChatBaseShape } from "../../engine/inference/chatAdapterFile";
import { scoreWithLlamaCpp } from "../../engine/inference/scoreWithLlamaCpp";
import { scoreWithTfjs } from "../../engine/inference/scoreWithTfjs";
import { tokenizeWithModel } from "../../engine/inference/tokenizeWithModel";
import type { TfjsBackendName } from "../../../native-deps/tfjsBackend";

const ENGINES = ["tfjs", "llama.cpp"] as const;
const BACKENDS = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"] as const satisfies readonly TfjsBackendName[];

export interface ScoreResult {
  engine: (typeof ENGINES)[number];
  backend?: TfjsBackendName;
  tokens: number[];
  /** logprobs[i] = log p(tokens[i+1] | tokens[0..i]). */
  logprobs: number[];
  /** The GGUF LoRA adapter applied, if any. */
  adapter?: string;
  /** Sum of logprobs, and its mean per predicted token (negative = cross-entropy in nats). */
  total: number;
  mean: number;
}

export const scoreCommand: Command<ScoreResult> = {
  name: "score",
  summary: "log-probabilities of a text or token list under a model, optionally with a LoRA adapter (tfjs engine or llama.cpp)",
  usage: `lora-studio score --model FILE.gguf (--text STR | --tokens JSON) [--adapter FILE.gguf] [--engine ${ENGINES.join("|")}] [--backend ${BACKENDS.join("|")}] [--json]`,
  options: { model: { type: "string" }, text: { type: "string" }, tokens: { type: "string" }, adapter: { type: "string" }, engine: { type: "string" }, backend: { type: "string" } },
  async run(args) {
    const model = resolve(requireString(args, "model"));
    const engine = optionalChoice(args, "engine", ENGINES) ?? "tfjs";
    const backend = optionalChoice(args, "backend", BACKENDS);
    const text = optionalString(args, "text");
    const tokensJson = optionalString(args, "tokens");
    const adapterArg = optionalString(args, "adapter");
    const adapter = adapterArg !== undefined ? resolve(adapterArg) : undefined;
    if (adapter !== undefined && !existsSync(adapter)) throw new UsageError(`adapter file ${adapter} does not exist; give the adapter.gguf of a training run`);
    if ((text === undefined) === (tokensJson === undefined)) throw new UsageError("give either --text or --tokens");
    const tokens = text !== undefined ? await tokenizeWithModel(model, text) : parseTokens(tokensJson!);
    if (tokens.length < 2) throw new UsageError(`need at least 2 tokens to score, got ${tokens.length}`);
    let logprobs: number[];
    let usedBackend: TfjsBackendName | undefined;
    if (engine === "tfjs") {
      ({ logprobs, backend: usedBackend } = await scoreWithTfjs(model, tokens, { ...(backend ? { backend } : {}), ...(adapter ? { adapter: { filePath: adapter } } : {}) }));
    } else {
      if (adapter) await checkChatAdapterFile(adapter, await readChatBaseShape(model)); // llama.cpp aborts on some bad adapters
      logprobs = await scoreWithLlamaCpp(model, tokens, adapter ? { loras: [{ filePath: adapter }] } : {});
    }
    const total = logprobs.reduce((a, b) => a + b, 0);
    return { engine, ...(usedBackend ? { backend: usedBackend } : {}), ...(adapter ? { adapter } : {}), tokens, logprobs, total, mean: total / logprobs.length };
  },
  format: (r) =>
    `${r.engine}${r.backend ? ` (${r.backend})` : ""}${r.adapter ? ` with adapter ${r.adapter}` : ""}: ${r.tokens.length} tokens, total log-probability ${r.total.toFixed(4)} nats, mean ${r.mean.toFixed(4)} per token`,
};

function parseTokens(json: string): number[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsageError(`--tokens must be a JSON array of token ids, e.g. [1,450,4996]; got ${json.slice(0, 40)}`);
  }
  if (!Array.isArray(value) || !value.every((t) => Number.isInteger(t) && t >= 0)) {
    throw new UsageError(`--tokens must be a JSON array of non-negative integer token ids; got ${json.slice(0, 40)}`);
  }
  return value as number[];
}
