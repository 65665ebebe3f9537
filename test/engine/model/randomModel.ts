/**
 * In-memory random models for the reference-forward tests: GGUF-style metadata and tensors (ggml ne order,
 * row-major data) behind the same reading methods GgufFile has, so LlamaModel.load reads them unchanged.
 * Sharing no code with the engine: the test's float64 reference reads `tensors` directly.
 */
import type { GgufTensorInfo } from "../../../electron/engine/gguf/types";
import type { ModelSource } from "../../../electron/engine/model/LlamaModel";

export interface RandomModelSpec {
  arch: "llama" | "qwen2" | "qwen3";
  nLayer: number;
  nEmbd: number;
  nHead: number;
  nHeadKv: number;
  /** Written as <arch>.attention.key_length when it differs from nEmbd / nHead. */
  headDim: number;
  nFf: number;
  vocab: number;
  nRot: number;
  ropeBase: number;
  rmsEps: number;
  tied: boolean;
  /** q/k/v biases (qwen2). */
  qkvBias?: boolean;
  /** attn_q_norm / attn_k_norm (qwen3). */
  qkNorm?: boolean;
  /** A rope_freqs.weight tensor of nRot / 2 divisors (Llama 3.1 style). */
  ropeFreqs?: boolean;
  /** <arch>.rope.scaling.type linear with this factor. */
  linearRopeFactor?: number;
}

export interface MemoryTensor {
  /** ggml ne order. */
  dims: number[];
  data: Float32Array;
}

export interface RandomModel {
  source: ModelSource;
  tensors: Map<string, MemoryTensor>;
  kvs: Map<string, unknown>;
}

/** mulberry32 plus Box-Muller: a small seeded generator so models are reproducible. */
export function seededRandom(seed: number): { uniform(): number; normal(): number } {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

export function randomModel(spec: RandomModelSpec, seed: number): RandomModel {
  const rng = seededRandom(seed);
  const a = spec.arch;
  const kvs = new Map<string, unknown>([
    ["general.architecture", a],
    [`${a}.block_count`, spec.nLayer],
    [`${a}.embedding_length`, spec.nEmbd],
    [`${a}.feed_forward_length`, spec.nFf],
    [`${a}.context_length`, 256],
    [`${a}.attention.head_count`, spec.nHead],
    [`${a}.attention.head_count_kv`, spec.nHeadKv],
    [`${a}.attention.layer_norm_rms_epsilon`, spec.rmsEps],
    [`${a}.rope.freq_base`, spec.ropeBase],
    [`${a}.rope.dimension_count`, spec.nRot],
  ]);
  if (spec.headDim !== spec.nEmbd / spec.nHead) kvs.set(`${a}.attention.key_length`, spec.headDim);
  if (spec.linearRopeFactor !== undefined) {
    kvs.set(`${a}.rope.scaling.type`, "linear");
    kvs.set(`${a}.rope.scaling.factor`, spec.linearRopeFactor);
  }

  const tensors = new Map<string, MemoryTensor>();
  const add = (name: string, dims: number[], gen: () => number) => {
    const data = new Float32Array(dims.reduce((x, y) => x * y, 1));
    for (let i = 0; i < data.length; i++) data[i] = gen();
    tensors.set(name, { dims, data });
  };
  const normal = (std: number) => () => rng.normal() * std;
  const aroundOne = () => 1 + rng.normal() * 0.2;
  const { nEmbd: d, headDim: hd, nFf: ff, vocab } = spec;
  const qDim = spec.nHead * hd;
  const kvDim = spec.nHeadKv * hd;
  add("token_embd.weight", [d, vocab], normal(0.5));
  add("output_norm.weight", [d], aroundOne);
  if (!spec.tied) add("output.weight", [d, vocab], normal(1 / Math.sqrt(d)));
  if (spec.ropeFreqs) add("rope_freqs.weight", [spec.nRot / 2], () => 1 + 7 * rng.uniform());
  for (let i = 0; i < spec.nLayer; i++) {
    const b = `blk.${i}`;
    add(`${b}.attn_norm.weight`, [d], aroundOne);
    add(`${b}.attn_q.weight`, [d, qDim], normal(1 / Math.sqrt(d)));
    add(`${b}.attn_k.weight`, [d, kvDim], normal(1 / Math.sqrt(d)));
    add(`${b}.attn_v.weight`, [d, kvDim], normal(1 / Math.sqrt(d)));
    if (spec.qkvBias) {
      add(`${b}.attn_q.bias`, [qDim], normal(0.3));
      add(`${b}.attn_k.bias`, [kvDim], normal(0.3));
      add(`${b}.attn_v.bias`, [kvDim], normal(0.3));
    }
    if (spec.qkNorm) {
      add(`${b}.attn_q_norm.weight`, [hd], aroundOne);
      add(`${b}.attn_k_norm.weight`, [hd], aroundOne);
    }
    add(`${b}.attn_output.weight`, [qDim, d], normal(1 / Math.sqrt(qDim)));
    add(`${b}.ffn_norm.weight`, [d], aroundOne);
    add(`${b}.ffn_gate.weight`, [d, ff], normal(1 / Math.sqrt(d)));
    add(`${b}.ffn_up.weight`, [d, ff], normal(1 / Math.sqrt(d)));
    add(`${b}.ffn_down.weight`, [ff, d], normal(1 / Math.sqrt(ff)));
  }

  const path = `memory:${a}-seed${seed}`;
  const info = (name: string): GgufTensorInfo => {
    const t = tensors.get(name);
    if (!t) throw new Error(`no tensor ${name} in ${path}`);
    return { name, dims: t.dims, type: 0, fileOffset: 0, byteLength: t.data.byteLength, elementCount: t.data.length };
  };
  const source = {
    path,
    has: (key: string) => kvs.has(key),
    value: (key: string) => kvs.get(key),
    tensor: info,
    hasTensor: (name: string) => tensors.has(name),
    // A copy, as a file reader returns fresh arrays: the engine may keep or detach what it is given.
    readTensorF32: async (name: string) => {
      info(name); // throws for unknown names, as a file reader would
      return Float32Array.from(tensors.get(name)!.data);
    },
  };
  return { source: source as unknown as ModelSource, tensors, kvs };
}
