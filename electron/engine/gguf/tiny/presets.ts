/** Model shapes that make-model can generate: small ones for tests, the bench shape, and two real models' shapes. */
export interface ModelShape {
  /** Embedding width. */
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  /** Feed-forward (SwiGLU) width. */
  ffn: number;
  vocab: number;
  contextLength: number;
  ropeBase: number;
  rmsEps: number;
  /** Output head shares the token embedding (no output.weight). */
  tiedEmbeddings: boolean;
}

export const PRESET_NAMES = ["tiny", "small", "w576-4l-v4k", "smollm2-135m", "qwen2.5-0.5b"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

// Note: every width is a multiple of 32 so that every preset can be written in Q8_0.
export const PRESETS: Record<PresetName, ModelShape> = {
  tiny: { dim: 64, layers: 2, heads: 4, kvHeads: 2, ffn: 192, vocab: 2048, contextLength: 512, ropeBase: 10000, rmsEps: 1e-5, tiedEmbeddings: true },
  small: { dim: 256, layers: 4, heads: 8, kvHeads: 4, ffn: 640, vocab: 4096, contextLength: 1024, ropeBase: 10000, rmsEps: 1e-5, tiedEmbeddings: true },
  // The engine-bound bench shape of ../shared/bench/torch_lora_ref.py (preset of the same name).
  "w576-4l-v4k": { dim: 576, layers: 4, heads: 9, kvHeads: 3, ffn: 1536, vocab: 4096, contextLength: 2048, ropeBase: 100000, rmsEps: 1e-5, tiedEmbeddings: false },
  // SmolLM2-135M's real shape.
  "smollm2-135m": { dim: 576, layers: 30, heads: 9, kvHeads: 3, ffn: 1536, vocab: 49152, contextLength: 8192, ropeBase: 100000, rmsEps: 1e-5, tiedEmbeddings: true },
  // Qwen2.5-0.5B's real shape.
  "qwen2.5-0.5b": { dim: 896, layers: 24, heads: 14, kvHeads: 2, ffn: 4864, vocab: 151936, contextLength: 32768, ropeBase: 1000000, rmsEps: 1e-6, tiedEmbeddings: true },
};
