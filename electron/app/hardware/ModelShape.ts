import type { ModelInspection } from "../../engine/gguf/inspectModel";
import { PRESETS, type PresetName } from "../../engine/gguf/tiny/presets";

/** What the memory model needs to know about a model: its shape and how big its weights are on disk. */
export interface ModelShape {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffn: number;
  vocab: number;
  tiedEmbeddings: boolean;
  /** All parameters (every tensor's elements). */
  parameters: number;
  /** Bytes of the weights as stored (GGUF file size; the quantized-base option keeps about this much). */
  storedBytes: number;
  contextLength: number | null;
}

export class ModelShapeError extends Error {
  override name = "ModelShapeError";
}

/** The shape of an inspected GGUF model; fails naming the missing header key. */
export function modelShapeOf(m: ModelInspection): ModelShape {
  const need = (value: number | null, key: string): number => {
    if (value === null || !Number.isFinite(value) || value <= 0) throw new ModelShapeError(`${m.path} has no ${key} in its header; the memory model needs it (is it a ${m.architecture} model converted by llama.cpp?)`);
    return value;
  };
  const dim = need(m.embeddingLength, `${m.architecture}.embedding_length`);
  const heads = need(m.heads, `${m.architecture}.attention.head_count`);
  return {
    dim,
    layers: need(m.layers, `${m.architecture}.block_count`),
    heads,
    kvHeads: m.kvHeads ?? heads,
    headDim: m.headDim ?? dim / heads,
    ffn: need(m.feedForwardLength, `${m.architecture}.feed_forward_length`),
    vocab: need(m.vocabularySize, "a vocabulary (token_embd.weight)"),
    tiedEmbeddings: m.tiedEmbeddings,
    parameters: m.parameters,
    storedBytes: m.fileSize,
    contextLength: m.contextLength,
  };
}

/** The shape of a make-model preset, F32 (bytes per parameter 4) unless told. */
export function presetShape(name: PresetName, bytesPerParameter = 4): ModelShape {
  const p = PRESETS[name];
  const headDim = p.dim / p.heads;
  const kvDim = p.kvHeads * headDim;
  const perLayer = p.dim * p.dim * 2 + p.dim * kvDim * 2 + 3 * p.dim * p.ffn + 2 * p.dim;
  const parameters = p.layers * perLayer + p.vocab * p.dim * (p.tiedEmbeddings ? 1 : 2) + p.dim;
  return { dim: p.dim, layers: p.layers, heads: p.heads, kvHeads: p.kvHeads, headDim, ffn: p.ffn, vocab: p.vocab, tiedEmbeddings: p.tiedEmbeddings, parameters, storedBytes: parameters * bytesPerParameter, contextLength: p.contextLength };
}
