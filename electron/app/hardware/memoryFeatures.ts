import type { Projection } from "../../engine/model/ModelWeights";
import type { ModelShape } from "./ModelShape";

/** The training settings that change peak memory. */
export interface MemorySettings {
  seqLen: number;
  batchSize: number;
  rank: number;
  targets: readonly Projection[];
  gradientCheckpointing: boolean;
  /** Frozen weights kept as their GGUF bytes, dequantized per block (LlamaModel.load keepQuantized). */
  quantizedBase: boolean;
}

/**
 * The memory model's features, in float32 elements (x 4 bytes): each is a quantity the measured peak grows with.
 * - weights: frozen weights resident as F32 (the engine dequantizes at load; a tied head keeps a transposed copy).
 *   With the quantized base: the stored bytes / 4 plus the F32 head plus one block dequantized at a time.
 * - linear: per layer, tensors of [B*T, width]: about ten of the model width, two of the k/v width, four of the
 *   FFN width (kept for the backward pass). With checkpointing, only each block's input is kept, plus one block.
 * - attention: per layer, [B, heads, T, T] (scores, mask, softmax and their gradients); one layer with checkpointing.
 * - logits: [B*T, vocab] (logits, log-softmax, one-hot targets and their gradients).
 * - loraActivations: per layer and target, the adapter's input (after dropout), A·x and B·A·x: [B*T, in + r + out].
 *   With checkpointing, one block's worth.
 * - adapter: LoRA A and B, their gradients, the accumulated gradients and two Adam moments.
 */
export interface MemoryFeatures {
  weights: number;
  linear: number;
  attention: number;
  logits: number;
  loraActivations: number;
  adapter: number;
}

export function memoryFeatures(m: ModelShape, s: MemorySettings): MemoryFeatures {
  const n = s.batchSize * s.seqLen;
  const kvDim = m.kvHeads * m.headDim;
  const perLayerLinear = n * (10 * m.dim + 2 * kvDim + 4 * m.ffn);
  const perLayerAttention = s.batchSize * m.heads * s.seqLen * s.seqLen;
  const headFloats = m.vocab * m.dim;
  let adapterParams = 0;
  let loraPerLayer = 0;
  for (const proj of s.targets) {
    adapterParams += m.layers * s.rank * projectionWidths(m, proj);
    loraPerLayer += n * (projectionWidths(m, proj) + s.rank);
  }
  const f32Weights = m.parameters + (m.tiedEmbeddings ? headFloats : 0);
  const perLayerWeights = (m.parameters - headFloats * (m.tiedEmbeddings ? 1 : 2)) / m.layers;
  const weights = s.quantizedBase ? m.storedBytes / 4 + headFloats + perLayerWeights : f32Weights;
  return {
    weights,
    linear: s.gradientCheckpointing ? n * m.dim * m.layers + perLayerLinear : perLayerLinear * m.layers,
    attention: s.gradientCheckpointing ? perLayerAttention : perLayerAttention * m.layers,
    logits: n * m.vocab,
    loraActivations: s.gradientCheckpointing ? loraPerLayer : loraPerLayer * m.layers,
    adapter: adapterParams * 5,
  };
}

/** in + out width of a projection (LoraAdapter's projectionShape, from a ModelShape). */
function projectionWidths(m: ModelShape, proj: Projection): number {
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  switch (proj) {
    case "q":
    case "o":
      return m.dim + q;
    case "k":
    case "v":
      return m.dim + kv;
    case "gate":
    case "up":
    case "down":
      return m.dim + m.ffn;
    default:
      return proj satisfies never;
  }
}
