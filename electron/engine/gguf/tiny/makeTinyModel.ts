import { GgmlType } from "../ggmlType";
import { GgufValueType, type GgufKv } from "../types";
import { writeGguf, type GgufTensorToWrite } from "../writeGguf";
import { Rng, hashString } from "../../util/Rng";
import { makeTokenizer } from "./makeTokenizer";
import { PRESETS, type ModelShape, type PresetName } from "./presets";

export const TINY_ARCHS = ["llama", "qwen2", "qwen3"] as const;
export type TinyArch = (typeof TINY_ARCHS)[number];
export const TINY_DTYPES = ["f32", "f16", "q8_0"] as const;
export type TinyDtype = (typeof TINY_DTYPES)[number];

export interface MakeTinyModelOptions {
  arch: TinyArch;
  preset: PresetName;
  /** Storage type of the 2-D weights; norms and biases stay F32 as llama.cpp's converter keeps them. */
  dtype?: TinyDtype;
  seed?: number;
  out: string;
}

export interface TinyModelSummary {
  path: string;
  arch: TinyArch;
  preset: PresetName;
  dtype: TinyDtype;
  shape: ModelShape;
  parameters: number;
}

const FILE_TYPE: Record<TinyDtype, number> = { f32: 0, f16: 1, q8_0: 7 };
const WEIGHT_TYPE: Record<TinyDtype, number> = { f32: GgmlType.F32, f16: GgmlType.F16, q8_0: GgmlType.Q8_0 };

/**
 * Writes a random-weight model of a preset shape with a working tokenizer and ChatML template, that llama.cpp
 * loads and runs. Note on the initialisation: with a tied head (the small presets), the logits of a normed
 * hidden state h are h·E_j, at most dim * std for a state aligned with E_j; the embedding std is min(0.3, 16/dim),
 * so a LoRA-only run can reach confident predictions (16 nats of logit range) at every width without starting
 * absurdly peaked (std 0.3 at width 256 gives logits near 77). An untied head is N(0, 2/sqrt(dim)). A head of
 * tiny scale keeps every distribution near uniform and loss barely moves.
 * Projections are N(0, 0.5/sqrt(in)), with residual outputs further divided by sqrt(2 * layers).
 */
export async function makeTinyModel(options: MakeTinyModelOptions): Promise<TinyModelSummary> {
  const shape = PRESETS[options.preset];
  const dtype = options.dtype ?? "f32";
  const seed = options.seed ?? 0;
  const arch = options.arch;
  const headDim = shape.dim / shape.heads;
  const tokenizer = makeTokenizer(shape.vocab);
  const weightType = WEIGHT_TYPE[dtype];

  const kvs: GgufKv[] = [
    { key: "general.architecture", type: GgufValueType.STRING, value: arch },
    { key: "general.name", type: GgufValueType.STRING, value: `lora-studio ${arch} ${options.preset} (random weights, seed ${seed})` },
    { key: "general.file_type", type: GgufValueType.UINT32, value: FILE_TYPE[dtype] },
    { key: `${arch}.context_length`, type: GgufValueType.UINT32, value: shape.contextLength },
    { key: `${arch}.embedding_length`, type: GgufValueType.UINT32, value: shape.dim },
    { key: `${arch}.block_count`, type: GgufValueType.UINT32, value: shape.layers },
    { key: `${arch}.feed_forward_length`, type: GgufValueType.UINT32, value: shape.ffn },
    { key: `${arch}.attention.head_count`, type: GgufValueType.UINT32, value: shape.heads },
    { key: `${arch}.attention.head_count_kv`, type: GgufValueType.UINT32, value: shape.kvHeads },
    { key: `${arch}.attention.key_length`, type: GgufValueType.UINT32, value: headDim },
    { key: `${arch}.attention.value_length`, type: GgufValueType.UINT32, value: headDim },
    { key: `${arch}.attention.layer_norm_rms_epsilon`, type: GgufValueType.FLOAT32, value: shape.rmsEps },
    { key: `${arch}.rope.freq_base`, type: GgufValueType.FLOAT32, value: shape.ropeBase },
    { key: `${arch}.rope.dimension_count`, type: GgufValueType.UINT32, value: headDim },
    { key: `${arch}.vocab_size`, type: GgufValueType.UINT32, value: shape.vocab },
    ...tokenizer.kvs,
  ];

  const residualScale = 1 / Math.sqrt(2 * shape.layers);
  const tensors: GgufTensorToWrite[] = [];
  let parameters = 0;
  const add = (name: string, dims: number[], type: number, init: Init) => {
    parameters += dims.reduce((a, b) => a * b, 1);
    tensors.push({ name, dims, type, data: () => initValues(dims, init, seed, name) });
  };
  // Tied: a hidden state near token t's embedding gets logit dim * std for t; 16 nats of reach at every width.
  const embStd = shape.tiedEmbeddings ? Math.min(0.3, 16 / shape.dim) : 0.3;
  add("token_embd.weight", [shape.dim, shape.vocab], weightType, { normal: embStd });
  add("output_norm.weight", [shape.dim], GgmlType.F32, { around: 1, std: 0.1 });
  if (!shape.tiedEmbeddings) add("output.weight", [shape.dim, shape.vocab], weightType, { normal: 2 / Math.sqrt(shape.dim) });
  const qOut = shape.heads * headDim;
  const kvOut = shape.kvHeads * headDim;
  for (let i = 0; i < shape.layers; i++) {
    const blk = `blk.${i}`;
    const proj = (inDim: number, scale = 1): Init => ({ normal: (0.5 / Math.sqrt(inDim)) * scale });
    add(`${blk}.attn_norm.weight`, [shape.dim], GgmlType.F32, { around: 1, std: 0.1 });
    add(`${blk}.attn_q.weight`, [shape.dim, qOut], weightType, proj(shape.dim));
    add(`${blk}.attn_k.weight`, [shape.dim, kvOut], weightType, proj(shape.dim));
    add(`${blk}.attn_v.weight`, [shape.dim, kvOut], weightType, proj(shape.dim));
    if (arch === "qwen2") {
      add(`${blk}.attn_q.bias`, [qOut], GgmlType.F32, { normal: 0.1 });
      add(`${blk}.attn_k.bias`, [kvOut], GgmlType.F32, { normal: 0.1 });
      add(`${blk}.attn_v.bias`, [kvOut], GgmlType.F32, { normal: 0.1 });
    }
    if (arch === "qwen3") {
      add(`${blk}.attn_q_norm.weight`, [headDim], GgmlType.F32, { around: 1, std: 0.1 });
      add(`${blk}.attn_k_norm.weight`, [headDim], GgmlType.F32, { around: 1, std: 0.1 });
    }
    add(`${blk}.attn_output.weight`, [qOut, shape.dim], weightType, proj(qOut, residualScale));
    add(`${blk}.ffn_norm.weight`, [shape.dim], GgmlType.F32, { around: 1, std: 0.1 });
    add(`${blk}.ffn_gate.weight`, [shape.dim, shape.ffn], weightType, proj(shape.dim));
    add(`${blk}.ffn_up.weight`, [shape.dim, shape.ffn], weightType, proj(shape.dim));
    add(`${blk}.ffn_down.weight`, [shape.ffn, shape.dim], weightType, proj(shape.ffn, residualScale));
  }
  await writeGguf(options.out, kvs, tensors);
  return { path: options.out, arch, preset: options.preset, dtype, shape, parameters };
}

type Init = { normal: number } | { around: number; std: number };

/** Values depend only on (seed, tensor name), so they do not change when tensors are added or reordered. */
function initValues(dims: number[], init: Init, seed: number, name: string): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const rng = new Rng((seed * 2654435761 + hashString(name)) >>> 0);
  const out = new Float32Array(n);
  if ("normal" in init) for (let i = 0; i < n; i++) out[i] = rng.normal() * init.normal;
  else for (let i = 0; i < n; i++) out[i] = init.around + rng.normal() * init.std;
  return out;
}
