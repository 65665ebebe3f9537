import type { LlamaModel } from "node-llama-cpp";
import { getLlamaRuntime, llamaThreads } from "./llamaRuntime";

export interface LlamaCppScoreOptions {
  /** Adapters to apply (GGUF LoRA files) with their scales. */
  loras?: { filePath: string; scale?: number }[];
  /**
   * KV cache element type, default F32. Note: scoring is for measuring (held-out loss, perplexity, agreement
   * with the training engine), so it computes in float32 throughout (flash attention off); llama.cpp's usual
   * F16 cache rounds keys and values, which moves scores by 1e-3 to 7e-3 nats on confident models. A scoring
   * context is short, so the F32 cache costs little memory. Chat keeps llama.cpp's defaults.
   */
  kvCache?: "F16" | "F32";
  /**
   * CPU threads (default: the app's thread budget, llamaThreads("score"); never llama.cpp's own). Note: on a machine whose cores are busy (a test suite in
   * parallel), llama.cpp's threads wait on each other at every graph barrier; 1 thread evaluates small
   * models in milliseconds instead of seconds, with the same numbers.
   */
  threads?: number;
}

/**
 * Log-probabilities of a token sequence under llama.cpp: logprobs[i] = log p(tokens[i+1] | tokens[0..i]).
 * Loads the model, evaluates all tokens in one batch, and frees everything before returning.
 */
export async function scoreWithLlamaCpp(modelPath: string, tokens: number[], options: LlamaCppScoreOptions = {}): Promise<number[]> {
  return (await scoreVariantsWithLlamaCpp(modelPath, tokens, [options]))[0]!;
}

/** The same scores under several set-ups (adapters, cache types), loading the model once. */
export async function scoreVariantsWithLlamaCpp(modelPath: string, tokens: number[], variants: LlamaCppScoreOptions[]): Promise<number[][]> {
  if (tokens.length < 2) throw new Error(`scoring needs at least 2 tokens, got ${tokens.length}`);
  const llama = await getLlamaRuntime();
  const model = await llama.loadModel({ modelPath });
  try {
    const out: number[][] = [];
    for (const v of variants) out.push(await scoreLoaded(model, tokens, v));
    return out;
  } finally {
    await model.dispose();
  }
}

async function scoreLoaded(model: LlamaModel, tokens: number[], options: LlamaCppScoreOptions): Promise<number[]> {
  const size = Math.max(64, Math.ceil(tokens.length / 64) * 64);
  const context = await model.createContext({
    contextSize: size,
    batchSize: size,
    sequences: 1,
    threads: llamaThreads("score", options.threads, model.size),
    ...((options.kvCache ?? "F32") === "F32" ? { flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" } : {}),
    lora: options.loras?.length ? { adapters: options.loras.map((a) => ({ filePath: a.filePath, scale: a.scale ?? 1 })) } : undefined,
  } as Parameters<LlamaModel["createContext"]>[0]);
  try {
    const input = tokens.slice(0, -1).map((token, i) => {
      const next = tokens[i + 1]!;
      return [token, { generateNext: { logits: { filter: { tokens: [next], includeTop: 1 } }, totalLogitWeight: true } }] as const;
    });
    // Note: node-llama-cpp's Token is a branded number; the casts keep this file free of its types.
    const results = await context.getSequence().controlledEvaluate(input as never);
    return results.map((r, i) => {
      const next = r?.next as { logits?: Map<number, number>; totalLogitWeight?: number } | undefined;
      if (!next?.logits || next.totalLogitWeight === undefined) throw new Error(`llama.cpp returned no logits for position ${i}`);
      const logit = next.logits.get(tokens[i + 1]!);
      if (logit === undefined) throw new Error(`llama.cpp returned no logit for token ${tokens[i + 1]} at position ${i}`);
      // The filter returns the target's logit and the top one; totalLogitWeight = sum_j exp(logit_j - max),
      // so log p = logit - max - log(total).
      return logit - Math.max(...next.logits.values()) - Math.log(next.totalLogitWeight);
    });
  } finally {
    await context.dispose();
  }
}
