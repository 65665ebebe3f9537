import { MissingMetadataKeyError, UnsupportedArchitectureError } from "../gguf/errors";
import type { GgufFile } from "../gguf/GgufFile";
import { UnsupportedModelFeatureError } from "./errors";

/** The architectures whose forward pass this engine reproduces (llama.cpp's names). */
export const SUPPORTED_ARCHITECTURES = ["llama", "qwen2", "qwen3"] as const;
export type Architecture = (typeof SUPPORTED_ARCHITECTURES)[number];

/** How RoPE pairs dimensions: NORM rotates (x[2i], x[2i+1]), NEOX rotates (x[i], x[i + nRot/2]). */
export type RopeType = "norm" | "neox";

/** Everything the forward pass needs to know about a model's shape, read from GGUF metadata and tensor names. */
export interface ModelConfig {
  /** `general.architecture`. */
  arch: Architecture;
  /** Number of transformer blocks (`<arch>.block_count`). */
  nLayer: number;
  /** Residual stream width (`<arch>.embedding_length`). */
  nEmbd: number;
  /** Query heads (`<arch>.attention.head_count`). */
  nHead: number;
  /** Key/value heads (`<arch>.attention.head_count_kv`, default nHead); nHead / nHeadKv query heads share one. */
  nHeadKv: number;
  /** Width of one head (`<arch>.attention.key_length`, default nEmbd / nHead). */
  headDim: number;
  /** SwiGLU hidden width (`<arch>.feed_forward_length`). */
  nFf: number;
  /** Vocabulary size (rows of token_embd.weight). */
  vocabSize: number;
  /** Training context length (`<arch>.context_length`). */
  contextLength: number;
  /** RoPE frequency base (`<arch>.rope.freq_base`, default 10000). */
  ropeBase: number;
  /** Linear RoPE scaling: positions are multiplied by this (1 / `<arch>.rope.scaling.factor`, default 1). */
  ropeFreqScale: number;
  /** Leading dimensions of each head that RoPE rotates (`<arch>.rope.dimension_count`, default headDim). */
  nRot: number;
  /** Pairing of rotated dimensions: llama NORM, qwen2/qwen3 NEOX (llama.cpp's llama_model_rope_type). */
  ropeType: RopeType;
  /** RMSNorm epsilon (`<arch>.attention.layer_norm_rms_epsilon`). */
  rmsEps: number;
  /** No output.weight: the output head is token_embd.weight. */
  tiedEmbeddings: boolean;
  /** blk.N.attn_q/k/v carry biases (qwen2; some llama conversions). */
  hasQkvBias: boolean;
  /** Per-head RMSNorm of q and k before RoPE (qwen3's attn_q_norm / attn_k_norm). */
  hasQkNorm: boolean;
  /** rope_freqs.weight exists (Llama 3.1+): theta_i is divided by rope_freqs[i]. */
  hasRopeFreqs: boolean;
}

/** The slice of GgufFile this module reads; a structural subset so tests can supply in-memory models. */
export type GgufMetadataSource = Pick<GgufFile, "path" | "has" | "value" | "tensor" | "hasTensor">;

/**
 * Reads the shape of a llama / qwen2 / qwen3 model. Throws UnsupportedArchitectureError for other
 * architectures and MissingMetadataKeyError when a required key is absent.
 */
export function readModelConfig(file: GgufMetadataSource): ModelConfig {
  const archValue = requiredValue(file, "general.architecture");
  const arch = String(archValue);
  if (!isSupportedArchitecture(arch)) {
    throw UnsupportedArchitectureError.forArchitecture(arch, file.path);
  }
  const k = (suffix: string) => `${arch}.${suffix}`;
  const nLayer = requiredNumber(file, k("block_count"));
  const nEmbd = requiredNumber(file, k("embedding_length"));
  const nHead = requiredNumber(file, k("attention.head_count"));
  const nHeadKv = optionalNumber(file, k("attention.head_count_kv")) ?? nHead;
  const headDim = optionalNumber(file, k("attention.key_length")) ?? nEmbd / nHead;
  const valueLength = optionalNumber(file, k("attention.value_length"));
  if (!Number.isInteger(headDim)) {
    throw new UnsupportedModelFeatureError(`head width ${nEmbd} / ${nHead} = ${headDim} is not an integer and ${k("attention.key_length")} is absent`);
  }
  if (valueLength !== undefined && valueLength !== headDim) {
    throw new UnsupportedModelFeatureError(`${k("attention.value_length")} = ${valueLength} differs from key_length ${headDim}; only equal key and value head widths are supported`);
  }
  if (nHead % nHeadKv !== 0) {
    throw new UnsupportedModelFeatureError(`head_count ${nHead} is not a multiple of head_count_kv ${nHeadKv}`);
  }
  const nRot = optionalNumber(file, k("rope.dimension_count")) ?? headDim;
  if (nRot > headDim || nRot % 2 !== 0) {
    throw new UnsupportedModelFeatureError(`${k("rope.dimension_count")} = ${nRot} must be even and at most the head width ${headDim}`);
  }
  if (!file.hasTensor("token_embd.weight")) {
    throw new UnsupportedModelFeatureError("the model has no token_embd.weight tensor; is this a complete model file (not an adapter or a projector)?");
  }
  const embd = file.tensor("token_embd.weight");
  if (embd.dims[0] !== nEmbd) {
    throw new UnsupportedModelFeatureError(`token_embd.weight has dims [${embd.dims.join(", ")}] but ${k("embedding_length")} is ${nEmbd}`);
  }
  return {
    arch,
    nLayer,
    nEmbd,
    nHead,
    nHeadKv,
    headDim,
    nFf: requiredNumber(file, k("feed_forward_length")),
    vocabSize: embd.dims[1]!,
    contextLength: requiredNumber(file, k("context_length")),
    ropeBase: optionalNumber(file, k("rope.freq_base")) ?? 10000,
    ropeFreqScale: readRopeFreqScale(file, arch),
    nRot,
    ropeType: ropeTypeOf(arch),
    rmsEps: requiredNumber(file, k("attention.layer_norm_rms_epsilon")),
    tiedEmbeddings: !file.hasTensor("output.weight"),
    hasQkvBias: file.hasTensor("blk.0.attn_q.bias"),
    hasQkNorm: file.hasTensor("blk.0.attn_q_norm.weight"),
    hasRopeFreqs: file.hasTensor("rope_freqs.weight"),
  };
}

export function isSupportedArchitecture(arch: string): arch is Architecture {
  return (SUPPORTED_ARCHITECTURES as readonly string[]).includes(arch);
}

/** llama.cpp's llama_model_rope_type for the supported architectures. */
export function ropeTypeOf(arch: Architecture): RopeType {
  switch (arch) {
    case "llama":
      return "norm";
    case "qwen2":
    case "qwen3":
      return "neox";
    default:
      return arch satisfies never;
  }
}

/**
 * Mirrors llama.cpp: freq_scale = 1 / factor (factor 0 or absent means 1), applied for any scaling type.
 * Linear scaling is only that multiplier; YaRN and others with a factor != 1 also reshape the
 * frequencies, which this engine does not reproduce, so those are refused rather than silently wrong.
 */
function readRopeFreqScale(file: GgufMetadataSource, arch: Architecture): number {
  const typeKey = `${arch}.rope.scaling.type`;
  const type = file.has(typeKey) ? String(file.value(typeKey)) : "linear";
  const factor = optionalNumber(file, `${arch}.rope.scaling.factor`) ?? optionalNumber(file, `${arch}.rope.scale_linear`) ?? 0;
  const freqScale = factor === 0 ? 1 : 1 / factor;
  if (freqScale !== 1 && type !== "linear" && type !== "none") {
    throw new UnsupportedModelFeatureError(`RoPE scaling "${type}" with factor ${factor} is not supported; only linear scaling is`);
  }
  return freqScale;
}

function requiredValue(file: GgufMetadataSource, key: string): unknown {
  if (!file.has(key)) throw MissingMetadataKeyError.forKey(key, file.path);
  return file.value(key);
}

function requiredNumber(file: GgufMetadataSource, key: string): number {
  return toNumber(key, requiredValue(file, key));
}

function optionalNumber(file: GgufMetadataSource, key: string): number | undefined {
  return file.has(key) ? toNumber(key, file.value(key)) : undefined;
}

/** Accepts numbers, bigints, and per-layer arrays whose entries are all equal (some converters write those). */
function toNumber(key: string, v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v) && v.length > 0) {
    const values = v.map((x) => toNumber(key, x));
    if (values.every((x) => x === values[0])) return values[0]!;
    throw new UnsupportedModelFeatureError(`metadata "${key}" varies per layer ([${values.join(", ")}]); only uniform layers are supported`);
  }
  throw new UnsupportedModelFeatureError(`metadata "${key}" should be a number, got ${JSON.stringify(String(v))}`);
}

/** Weights in the file (every tensor's element count), as `inspect-model` reports a model's size. */
export function parameterCount(file: Pick<GgufFile, "tensors">): number {
  return file.tensors.reduce((n, t) => n + t.elementCount, 0);
}
