import { getLlamaRuntime } from "./llamaRuntime";

export interface LlamaCppScoreOptions {
  /** Adapters to apply (GGUF LoRA files) with their scales. */
  loras?: { filePath: string; scale?: number }[];
  /**
   * KV cache element type. llama.cpp's default F16 cache rounds keys and values (about 2e-3 nats on
   * scores); F32, with flash attention off, computes in float32 throughout, for the tightest comparisons.
   */
  kvCache?: "F16" | "F32";
}

/**
 * Log-probabilities of a token sequence under llama.cpp: logprobs[i] = log p(tokens[i+1] | tokens[0..i]).
 * Loads the model, evaluates all tokens in one batch, and frees everything before returning.
 */
export async function scoreWithLlamaCpp(modelPath: string, tokens: number[], options: LlamaCppScoreOptions = {}): Promise<number[]> {
  if (tokens.length < 2) throw new Error(`scoring needs at least 2 tokens, got ${tokens.length}`);
  const llama = await getLlamaRuntime();
  const model = await llama.loadModel({ modelPath });
  try {
    const size = Math.max(64, Math.ceil(tokens.length / 64) * 64);
    const context = await model.createContext({
      contextSize: size,
      batchSize: size,
      sequences: 1,
      ...(options.kvCache === "F32" ? { flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" } : {}),
      lora: options.loras?.length ? { adapters: options.loras.map((a) => ({ filePath: a.filePath, scale: a.scale ?? 1 })) } : undefined,
    });
    try {
      const sequence = context.getSequence();
      const input = tokens.slice(0, -1).map((token, i) => {
        const next = tokens[i + 1]!;
        return [token, { generateNext: { logits: { filter: { tokens: [next], includeTop: 1 } }, totalLogitWeight: true } }] as const;
      });
      // Note: node-llama-cpp's Token is a branded number; the casts keep this file free of its types.
      const results = await sequence.controlledEvaluate(input as never);
      return results.map((r, i) => {
        const next = r?.next as { logits?: Map<number, number>; totalLogitWeight?: number } | undefined;
        if (!next?.logits || next.totalLogitWeight === undefined) throw new Error(`llama.cpp returned no logits for position ${i}`);
        const logit = next.logits.get(tokens[i + 1]!);
        const max = Math.max(...next.logits.values());
        if (logit === undefined) throw new Error(`llama.cpp returned no logit for token ${tokens[i + 1]} at position ${i}`);
        // The filter returns the target's logit and the top one; totalLogitWeight = sum_j exp(logit_j - max),
        // so log p = logit - max - log(total).
        return logit - max - Math.log(next.totalLogitWeight);
      });
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}
