import type { ModelConfig } from "./ModelConfig";

/** cos and sin of every rotation angle, [seqLen, nRot / 2] row-major: entry (pos, i) is angle theta_i * pos. */
export interface RopeTables {
  cos: Float32Array;
  sin: Float32Array;
}

/**
 * RoPE angles for positions 0..seqLen-1, computed the way ggml's CPU rope cache does (ggml_rope_cache_init):
 * theta starts at pos and is multiplied by base^(-2/nRot) once per pair, all in float32, then divided by
 * rope_freqs[i] when present and multiplied by the linear frequency scale.
 * Note: the float32 recurrence is reproduced on purpose (Math.fround after every step). Exact powers
 * differ from it by up to ~1e-4 rad at position 64 and more further on, visible in logprob agreement.
 */
export function ropeTables(config: Pick<ModelConfig, "nRot" | "ropeBase" | "ropeFreqScale">, seqLen: number, ropeFreqs?: Float32Array): RopeTables {
  const half = config.nRot / 2;
  const f = Math.fround;
  const thetaScale = f(Math.pow(f(config.ropeBase), f(-2 / config.nRot)));
  const freqScale = f(config.ropeFreqScale);
  const cos = new Float32Array(seqLen * half);
  const sin = new Float32Array(seqLen * half);
  for (let pos = 0; pos < seqLen; pos++) {
    let theta = f(pos);
    for (let i = 0; i < half; i++) {
      const divisor = ropeFreqs ? ropeFreqs[i]! : 1;
      const angle = f(f(theta / divisor) * freqScale);
      cos[pos * half + i] = Math.cos(angle);
      sin[pos * half + i] = Math.sin(angle);
      theta = f(theta * thetaScale);
    }
  }
  return { cos, sin };
}
