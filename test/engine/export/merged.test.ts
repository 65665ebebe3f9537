/**
 * The merged GGUF loads in llama.cpp and gives the log-probabilities of base + adapter. Reference: llama.cpp on the
 * F32 base with the GGUF LoRA (F32 KV cache on both sides).
 * Tolerances: an F32 merge differs only by float32 rounding order (W + s·B·A summed once vs x·W + s·(x·A)·B), so
 * 2e-4 nats (measured ~3e-6). F16 and Q8_0 merges round every weight of the model (relative 2^-11, and up to half of
 * 1/127 of each 32-block's maximum), which moves these random tiny models' logprobs by a measured max ~5e-3 and
 * ~8e-2 nats (means ~1e-3 and ~2e-2): rounding of the weights alone, not of the merge. The budgets (1.5e-2 and
 * 0.2 max) sit above that and far below the adapter's own effect (> 1 nat); the merge itself is checked tighter
 * per weight: every merged value equals the test's own float64 W + s·B·A within that type's rounding step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { makeTinyModel, type TinyArch } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { ModelShape } from "../../../electron/engine/gguf/tiny/presets";
import { exportMerged, type MergedType } from "../../../electron/engine/export/exportMerged";
import { seededRandom } from "../model/randomModel";
import { ALL_TARGETS, makeFakeRun } from "./fakeRun";
import { scoreVariants } from "./scoreVariants";

const BUDGET: Record<MergedType, number> = { F32: 2e-4, F16: 1.5e-2, Q8_0: 0.2 };
const CASES: { arch: TinyArch; type: MergedType }[] = [
  { arch: "llama", type: "F32" },
  { arch: "llama", type: "F16" },
  { arch: "llama", type: "Q8_0" },
  { arch: "qwen2", type: "F32" },
];

const dir = mkdtempSync(join(tmpdir(), "lora-studio-merged-"));
const runs = new Map<TinyArch, { basePath: string; adapterPath: string; shape: ModelShape; tokens: number[]; withAdapter: number[]; base: number[] }>();
const measured: Record<string, { max: number; mean: number; adapterEffect: number }> = {};

beforeAll(async () => {
  for (const arch of ["llama", "qwen2"] as const) {
    const basePath = join(dir, `${arch}.gguf`);
    const { shape } = await makeTinyModel({ arch, preset: "tiny", seed: 21, out: basePath });
    const runDir = join(dir, `run-${arch}`);
    await makeFakeRun(runDir, { basePath, arch, shape, lora: { rank: 8, alpha: 16, targets: ALL_TARGETS }, seed: 9 });
    const rng = seededRandom(5);
    const tokens = [1, ...Array.from({ length: 39 }, () => 3 + Math.floor(rng.uniform() * (shape.vocab - 3)))];
    const adapterPath = join(runDir, "adapter.gguf");
    const [withAdapter, base] = await scoreVariants(basePath, tokens, [{ loras: [{ filePath: adapterPath }], kvCache: "F32" }, { kvCache: "F32" }]);
    runs.set(arch, { basePath, adapterPath, shape, tokens, withAdapter, base });
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(`merged GGUF vs base + GGUF LoRA in llama.cpp (nats):\n${JSON.stringify(measured, null, 1)}`);
});

describe.each(CASES)("merged $arch model in $type", ({ arch, type }) => {
  it("loads in llama.cpp with the logprobs of base + adapter", async () => {
    const run = runs.get(arch)!;
    const result = await exportMerged({ basePath: run.basePath, adapterPath: run.adapterPath, outDir: join(dir, `merged-${arch}-${type}`), type });
    expect(result.files).toHaveLength(1);
    const file = result.files[0]!;
    expect(file.path).toMatch(new RegExp(`merged-${type.toLowerCase()}-${file.sha256.slice(0, 12)}\\.gguf$`));
    const merged = await openGguf(result.modelPath);
    try {
      const want = { F32: GgmlType.F32, F16: GgmlType.F16, Q8_0: GgmlType.Q8_0 }[type];
      for (const t of merged.tensors) expect(t.type, t.name).toBe(t.dims.length === 2 ? want : GgmlType.F32);
      expect(merged.number("general.file_type")).toBe({ F32: 0, F16: 1, Q8_0: 7 }[type]);
      expect(merged.string("tokenizer.chat_template")).toContain("<|im_start|>");
      expect(merged.tensors.some((t) => t.name.includes("lora"))).toBe(false);
      await checkMergedWeights(merged, run.basePath, run.adapterPath, type);
    } finally {
      await merged.close();
    }
    const [lp] = await scoreVariants(result.modelPath, run.tokens, [{ kvCache: "F32" }]);
    const d = lp.map((x, t) => Math.abs(x - run.withAdapter[t]!));
    const effect = Math.max(...run.base.map((x, t) => Math.abs(x - run.withAdapter[t]!)));
    measured[`${arch} ${type}`] = { max: Math.max(...d), mean: d.reduce((a, b) => a + b, 0) / d.length, adapterEffect: effect };
    expect(effect).toBeGreaterThan(0.5);
    expect(Math.max(...d)).toBeLessThanOrEqual(BUDGET[type]);
  });
});

/** Every adapted weight of layer 0 equals float64 W + (alpha/r)·B·A within the rounding step of `type`. */
async function checkMergedWeights(merged: Awaited<ReturnType<typeof openGguf>>, basePath: string, adapterPath: string, type: MergedType): Promise<void> {
  const base = await openGguf(basePath);
  const adapter = await openGguf(adapterPath);
  try {
    const alpha = adapter.number("adapter.lora.alpha");
    for (const stem of ["attn_q", "attn_k", "ffn_down"]) {
      const name = `blk.0.${stem}.weight`;
      const [inDim, outDim] = base.tensor(name).dims as [number, number];
      const w = await base.readTensorF32(name);
      const a = await adapter.readTensorF32(`${name}.lora_a`); // [r][in]
      const b = await adapter.readTensorF32(`${name}.lora_b`); // [out][r]
      const r = adapter.tensor(`${name}.lora_a`).dims[1]!;
      const got = await merged.readTensorF32(name);
      let worst = 0;
      for (let o = 0; o < outDim; o++) {
        const exact = new Float64Array(inDim);
        for (let i = 0; i < inDim; i++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += b[o * r + k]! * a[k * inDim + i]!;
          exact[i] = w[o * inDim + i]! + (alpha / r) * s;
        }
        for (let i = 0; i < inDim; i++) {
          const blockMax = Math.max(...Array.from(exact.subarray(i - (i % 32), i - (i % 32) + 32), Math.abs));
          const step = type === "F32" ? 1e-6 * Math.abs(exact[i]!) + 1e-9 : type === "F16" ? Math.abs(exact[i]!) * 2 ** -11 + 1e-7 : (blockMax / 127) * (0.5 + 127 * 2 ** -11) + 1e-6; // half a step, plus the f16 rounding of d times |q| <= 127
          worst = Math.max(worst, Math.abs(got[o * inDim + i]! - exact[i]!) / step);
        }
      }
      expect(worst, `${name} (${type}): worst error in rounding steps`).toBeLessThanOrEqual(1);
    }
  } finally {
    await base.close();
    await adapter.close();
  }
}

describe("exportMerged refuses a mismatched base", () => {
  it("names the architecture mismatch", async () => {
    const llama = runs.get("llama")!;
    const qwen2 = runs.get("qwen2")!;
    await expect(exportMerged({ basePath: qwen2.basePath, adapterPath: llama.adapterPath, outDir: join(dir, "bad"), type: "F32" })).rejects.toThrow(/llama adapter but .*qwen2 model/);
  });
});
