/**
 * The exported PEFT adapter computes what the GGUF adapter computes in llama.cpp. The test builds the Hugging Face
 * layout model itself from the GGUF base (llama: attn_q / attn_k rows un-permuted with the converter's reshape),
 * parses adapter_model.safetensors and adapter_config.json with its own reader, merges W + B·A·scale in HF layout,
 * and runs an independent float64 forward with HF's rotate-half RoPE (hfReference.ts); llama.cpp scores the same
 * tokens on the GGUF base with the run's GGUF adapter. Budget 5e-3 nats (issue 4); measured far below with an F32
 * KV cache (both sides then compute in >= float32 throughout).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel, type TinyArch } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { ModelShape } from "../../../electron/engine/gguf/tiny/presets";
import type { LoraConfig } from "../../../electron/engine/lora/LoraConfig";
import { exportPeft } from "../../../electron/engine/export/exportPeft";
import { loadRunForExport } from "../../../electron/engine/export/loadRunForExport";
import { seededRandom } from "../model/randomModel";
import { ALL_TARGETS, makeFakeRun } from "./fakeRun";
import { hfLogprobs, type HfConfig, type HfWeights } from "./hfReference";
import { scoreVariants } from "./scoreVariants";

const BUDGET = 5e-3;
const TOKENS = 40;

interface Case {
  label: string;
  arch: TinyArch;
  lora: Partial<LoraConfig>;
}
const CASES: Case[] = [
  { label: "llama", arch: "llama", lora: { rank: 8, alpha: 16, targets: ALL_TARGETS } },
  { label: "qwen2", arch: "qwen2", lora: { rank: 8, alpha: 16, targets: ALL_TARGETS } },
  { label: "qwen3", arch: "qwen3", lora: { rank: 8, alpha: 16, targets: ALL_TARGETS } },
  { label: "llama, rsLoRA", arch: "llama", lora: { rank: 8, alpha: 4, rslora: true, targets: ALL_TARGETS } },
  { label: "qwen2, per-layer ranks", arch: "qwen2", lora: { rank: 8, alpha: 16, targets: ALL_TARGETS, layerRanks: { "1": 4 } } },
];

const dir = mkdtempSync(join(tmpdir(), "lora-studio-peft-ref-"));
const bases = new Map<TinyArch, { path: string; shape: ModelShape }>();
const measured: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  for (const arch of ["llama", "qwen2", "qwen3"] as const) {
    const path = join(dir, `${arch}.gguf`);
    const { shape } = await makeTinyModel({ arch, preset: "tiny", seed: 11, out: path });
    bases.set(arch, { path, shape });
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(`PEFT float64 reference vs llama.cpp + GGUF LoRA (nats):\n${JSON.stringify(measured, null, 1)}`);
});

/** The test's own safetensors parser (FORMATS.md): u64 header length, JSON header, F32 data. */
function parseSafetensors(bytes: Buffer): Map<string, { shape: number[]; values: Float64Array }> {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, { shape: number[]; values: Float64Array }>();
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    expect(t.dtype).toBe("F32");
    const values = new Float64Array((t.data_offsets[1] - t.data_offsets[0]) / 4);
    for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(8 + n + t.data_offsets[0] + 4 * i);
    out.set(name, { shape: t.shape, values });
  }
  return out;
}

/**
 * Undo convert_hf_to_gguf's permute, w.reshape(nh, 2, hd/2, in).swapaxes(1, 2).reshape(out, in): GGUF row
 * (h, i, j) = h*hd + 2i + j came from HF row (h, j, i) = h*hd + j*hd/2 + i.
 */
function unpermute(w: Float64Array, rows: number, cols: number, nh: number): Float64Array {
  const hd = rows / nh;
  const out = new Float64Array(w.length);
  for (let h = 0; h < nh; h++)
    for (let i = 0; i < hd / 2; i++)
      for (let j = 0; j < 2; j++) out.set(w.subarray((h * hd + 2 * i + j) * cols, (h * hd + 2 * i + j + 1) * cols), (h * hd + j * (hd / 2) + i) * cols);
  return out;
}

async function hfBaseWeights(path: string, arch: TinyArch, shape: ModelShape): Promise<HfWeights> {
  const file = await openGguf(path);
  const w: HfWeights = new Map();
  const hd = shape.dim / shape.heads;
  const rename: Record<string, string> = {
    attn_norm: "input_layernorm", ffn_norm: "post_attention_layernorm", attn_q: "self_attn.q_proj", attn_k: "self_attn.k_proj", attn_v: "self_attn.v_proj",
    attn_output: "self_attn.o_proj", attn_q_norm: "self_attn.q_norm", attn_k_norm: "self_attn.k_norm", ffn_gate: "mlp.gate_proj", ffn_up: "mlp.up_proj", ffn_down: "mlp.down_proj",
  };
  try {
    for (const t of file.tensors) {
      let values: Float64Array = Float64Array.from(await file.readTensorF32(t.name));
      let name: string;
      if (t.name === "token_embd.weight") name = "model.embed_tokens.weight";
      else if (t.name === "output_norm.weight") name = "model.norm.weight";
      else if (t.name === "output.weight") name = "lm_head.weight";
      else {
        const m = /^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$/.exec(t.name)!;
        name = `model.layers.${m[1]}.${rename[m[2]!]}.${m[3]}`;
        if (arch === "llama" && m[3] === "weight" && (m[2] === "attn_q" || m[2] === "attn_k")) {
          values = unpermute(values, t.dims[1]!, t.dims[0]!, m[2] === "attn_q" ? shape.heads : shape.kvHeads);
        }
      }
      w.set(name, values);
    }
  } finally {
    await file.close();
  }
  expect(hd % 2).toBe(0);
  return w;
}

/** W[out, in] += scale · B[out, r] · A[r, in] for every lora_A / lora_B pair of the PEFT folder. */
function applyPeft(base: HfWeights, peftDir: string): { weights: HfWeights; modules: number } {
  const cfg = JSON.parse(readFileSync(join(peftDir, "adapter_config.json"), "utf8")) as { r: number; lora_alpha: number; use_rslora: boolean; rank_pattern: Record<string, number> };
  const tensors = parseSafetensors(readFileSync(join(peftDir, "adapter_model.safetensors")));
  const weights: HfWeights = new Map([...base].map(([k, v]) => [k, Float64Array.from(v)]));
  let modules = 0;
  for (const [name, a] of tensors) {
    if (!name.endsWith(".lora_A.weight")) continue;
    const b = tensors.get(name.replace(".lora_A.", ".lora_B."))!;
    const module = name.slice("base_model.model.".length, -".lora_A.weight".length);
    const pattern = Object.entries(cfg.rank_pattern).find(([k]) => new RegExp(`(^|.*\\.)${k.replace(/\./g, "\\.")}$`).test(module));
    const r = pattern ? pattern[1] : cfg.r;
    expect(a.shape[0]).toBe(r);
    const scale = cfg.use_rslora ? cfg.lora_alpha / Math.sqrt(r) : cfg.lora_alpha / r;
    const w = weights.get(`${module}.weight`)!;
    const [out, rb] = b.shape as [number, number];
    const inDim = a.shape[1]!;
    expect(rb).toBe(r);
    expect(w.length).toBe(out * inDim);
    for (let o = 0; o < out; o++)
      for (let k = 0; k < r; k++) {
        const f = scale * b.values[o * r + k]!;
        for (let i = 0; i < inDim; i++) w[o * inDim + i] += f * a.values[k * inDim + i]!;
      }
    modules++;
  }
  return { weights, modules };
}

describe.each(CASES.map((c, i) => ({ ...c, i })))("PEFT export = GGUF adapter in llama.cpp: $label", ({ label, arch, lora, i }) => {
  it(`float64 HF-layout reference with the PEFT adapter matches llama.cpp within ${BUDGET} nats`, async () => {
    const { path: basePath, shape } = bases.get(arch)!;
    const runDir = join(dir, `run-${i}`);
    await makeFakeRun(runDir, { basePath, arch, shape, lora, seed: 300 + i });
    const peftDir = join(runDir, "peft");
    await exportPeft(await loadRunForExport(runDir), { outDir: peftDir });

    const cfg: HfConfig = {
      hidden: shape.dim, layers: shape.layers, heads: shape.heads, kvHeads: shape.kvHeads, headDim: shape.dim / shape.heads, ffn: shape.ffn,
      vocab: shape.vocab, eps: shape.rmsEps, ropeTheta: shape.ropeBase, qkNorm: arch === "qwen3",
    };
    const base = await hfBaseWeights(basePath, arch, shape);
    const { weights, modules } = applyPeft(base, peftDir);
    expect(modules).toBe(shape.layers * 7);
    const rng = seededRandom(77 + i);
    const tokens = [1, ...Array.from({ length: TOKENS - 1 }, () => 3 + Math.floor(rng.uniform() * (shape.vocab - 3)))];
    const ref = hfLogprobs(cfg, weights, tokens);
    const refBase = hfLogprobs(cfg, base, tokens);
    const adapter = [{ filePath: join(runDir, "adapter.gguf"), scale: 1 }];
    const [f32, f16, baseLlama] = await scoreVariants(basePath, tokens, [{ loras: adapter, kvCache: "F32" }, { loras: adapter }, { kvCache: "F32" }]);
    const stats = (xs: number[], ys: number[]) => {
      const d = xs.map((x, t) => Math.abs(x - ys[t]!));
      return { max: Math.max(...d), mean: d.reduce((a, b) => a + b, 0) / d.length };
    };
    const s32 = stats(ref, f32);
    const s16 = stats(ref, f16);
    const effect = stats(ref, refBase).max;
    measured[label] = { maxF32Kv: s32.max, meanF32Kv: s32.mean, maxF16Kv: s16.max, meanF16Kv: s16.mean, adapterEffect: effect, baseMax: stats(refBase, baseLlama).max };
    expect(effect).toBeGreaterThan(0.1);
    expect(s32.max).toBeLessThanOrEqual(BUDGET);
    expect(s16.max).toBeLessThanOrEqual(BUDGET);
  });
});
