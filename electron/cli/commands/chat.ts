import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type Command } from "../Command";
import { optionalInt, optionalNumber, optionalString, requireString } from "../args";
import { installThreadBudget } from "../../app/hardware/threadBudget";
import { ChatEngine, type ChatAnswer, type ChatTurn } from "../../engine/inference/ChatEngine";

export interface ChatCommandAnswer extends ChatAnswer {
  /** The adapter file (absent for the base model). */
  adapterPath?: string;
}

export interface ChatResult {
  model: string;
  /** The chat template node-llama-cpp resolved for the model (the one training used). */
  template: string;
  prompt: string;
  temperature: number;
  /** The sampler seed every answer used (null: greedy decoding). */
  seed: number | null;
  answers: ChatCommandAnswer[];
}

export const chatCommand: Command<ChatResult> = {
  name: "chat",
  summary: "answer a prompt with a GGUF model, with LoRA adapters, or both side by side (llama.cpp)",
  usage: [
    "lora-studio chat --model FILE.gguf [--adapter FILE.gguf]... --prompt STR [--system STR] [--compare]",
    "                 [--max-tokens N] [--temperature T] [--seed S] [--threads N] [--json]",
    "",
    "  Without --adapter the base model answers; with adapters each adapter answers; --compare adds the base",
    "  model's answer beside them. All answers use the same sampling settings and seed (temperature 0, the",
    "  default, is greedy decoding). The prompt is rendered with the model's own chat template.",
  ].join("\n"),
  options: {
    model: { type: "string" },
    adapter: { type: "string", multiple: true },
    prompt: { type: "string" },
    system: { type: "string" },
    compare: { type: "boolean" },
    "max-tokens": { type: "string" },
    temperature: { type: "string" },
    seed: { type: "string" },
    threads: { type: "string" },
  },
  async run(args, io) {
    const model = resolve(requireString(args, "model"));
    const prompt = requireString(args, "prompt");
    const system = optionalString(args, "system");
    const adapters = ((args.values.adapter as string[] | undefined) ?? []).map((a) => resolve(a));
    const compare = args.values.compare === true;
    if (compare && adapters.length === 0) throw new UsageError("--compare needs at least one --adapter to compare the base model with");
    if (!existsSync(model)) throw new UsageError(`model file ${model} does not exist; give the path of a .gguf model`);
    for (const a of adapters) if (!existsSync(a)) throw new UsageError(`adapter file ${a} does not exist; give the adapter.gguf of a training run`);
    const maxTokens = optionalInt(args, "max-tokens", 1, 32768) ?? 256;
    const temperature = optionalNumber(args, "temperature", 0, 5) ?? 0;
    const seedArg = optionalInt(args, "seed", 0, 2 ** 31 - 1);
    const threads = optionalInt(args, "threads", 1, 1024);
    const seed = temperature > 0 ? (seedArg ?? randomInt(2 ** 31)) : null;

    installThreadBudget(); // without --threads: the app's budget, not llama.cpp's default
    const engine = await ChatEngine.open(model, { adapters, ...(threads ? { threads } : {}) });
    try {
      const ids: (string | null)[] = [...(compare || adapters.length === 0 ? [null] : []), ...engine.adapters.map((a) => a.id)];
      io.log(`${engine.templateName} template; answering with ${ids.map((id) => id ?? "the base model").join(", ")}${seed !== null ? ` (seed ${seed})` : ""}`);
      const input: ChatTurn[] = [...(system ? [{ role: "system" as const, content: system }] : []), { role: "user", content: prompt }];
      const controller = new AbortController();
      const onInterrupt = () => controller.abort(new Error("interrupted"));
      process.once("SIGINT", onInterrupt);
      const answers = await Promise.all(
        ids.map((adapter) => engine.generate(input, { adapter, maxTokens, temperature, ...(seed !== null ? { seed } : {}), signal: controller.signal })),
      ).finally(() => process.off("SIGINT", onInterrupt));
      const pathOf = new Map(engine.adapters.map((a) => [a.id, a.path]));
      return {
        model,
        template: engine.templateName,
        prompt,
        temperature,
        seed,
        answers: answers.map((a) => ({ ...a, ...(a.adapter !== null ? { adapterPath: pathOf.get(a.adapter)! } : {}) })),
      };
    } finally {
      await engine.dispose();
    }
  },
  format: (r) =>
    r.answers
      .map((a) => {
        const who = a.adapter === null ? "base" : `tuned (${a.adapter})`;
        const speed = a.tokensPerSecond !== null ? `, ${a.tokensPerSecond.toFixed(1)} tokens/s` : "";
        return `── ${who}: ${a.tokens.length} tokens, ${a.stopReason}${speed}\n${a.text}`;
      })
      .join("\n"),
};

