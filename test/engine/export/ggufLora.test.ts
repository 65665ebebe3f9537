/**
 * GGUF LoRA export in F32, F16 and Q8_0: content-hashed names, the types FORMATS.md allows (Q8_0 only where every
 * tensor's ne[0] is a multiple of 32, else F16 with a note), values as trained within each type's rounding, and
 * llama.cpp applies the Q8_0 file with the F32 file's log-probabilities within 0.1 nats (measured ~5e-2: Q8_0 rounds
 * each adapter weight by up to 1/254 of its 32-block's maximum, and on CPU llama.cpp also quantizes the activations
 * entering a Q8_0 matmul to Q8_0), against an adapter effect above 0.5 nats. F16 values are checked weight by weight.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportGgufLora } from "../../../electron/engine/export/exportGgufLora";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { GgmlType } from "../../../electron/engine/gguf/ggmlType";
import { GgufValueType } from "../../../electron/engine/gguf/types";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { ModelShape } from "../../../electron/engine/gguf/tiny/presets";
import { ALL_TARGETS, makeFakeRun } from "./fakeRun";
import { scoreVariants } from "./scoreVariants";

const dir = mkdtempSync(join(tmpdir(), "lora-studio-gguf-lora-"));
const basePath = join(dir, "llama.gguf");
let shape: ModelShape;
const measured: Record<string, number> = {};

beforeAll(async () => {
  ({ shape } = await makeTinyModel({ arch: "llama", preset: "tiny", seed: 3, out: basePath }));
  await makeFakeRun(join(dir, "r8"), { basePath, arch: "llama", shape, lora: { rank: 8, alpha: 16, targets: ALL_TARGETS }, seed: 1 });
  await makeFakeRun(join(dir, "r32"), { basePath, arch: "llama", shape, lora: { rank: 32, alpha: 32, targets: ALL_TARGETS, rslora: true }, seed: 2, bStd: 0.005 });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(`GGUF LoRA Q8_0 vs F32 in llama.cpp, max logprob difference (nats): ${JSON.stringify(measured)}`);
});

async function tensorsOf(path: string) {
  const f = await openGguf(path);
  try {
    const out = new Map<string, { type: number; dims: number[]; values: Float32Array }>();
    for (const t of f.tensors) out.set(t.name, { type: t.type, dims: t.dims, values: await f.readTensorF32(t.name) });
    const alpha = f.kvs.find((k) => k.key === "adapter.lora.alpha")!;
    return { tensors: out, alpha, arch: f.string("general.architecture"), type: f.string("general.type") };
  } finally {
    await f.close();
  }
}

describe("exportGgufLora", () => {
  it("rank 8: F32 and F16 as asked, Q8_0 falls back to F16 with a note; names carry the content hash", async () => {
    const src = await tensorsOf(join(dir, "r8", "adapter.gguf"));
    const f32 = await exportGgufLora({ adapterPath: join(dir, "r8", "adapter.gguf"), outDir: join(dir, "out8"), type: "F32" });
    const f16 = await exportGgufLora({ adapterPath: join(dir, "r8", "adapter.gguf"), outDir: join(dir, "out8"), type: "F16" });
    const q8 = await exportGgufLora({ adapterPath: join(dir, "r8", "adapter.gguf"), outDir: join(dir, "out8"), type: "Q8_0" });
    for (const r of [f32, f16, q8]) {
      const f = r.files[0]!;
      expect(basename(f.path)).toBe(`adapter-${r === f32 ? "f32" : "f16"}-${f.sha256.slice(0, 12)}.gguf`);
      expect(f.bytes).toBeGreaterThan(0);
      expect(existsSync(`${f.path}.tmp`)).toBe(false);
    }
    expect(q8.format).toBe("gguf-q8_0");
    expect(q8.notes.join("\n")).toMatch(/Q8_0 needs .* rank 8 .*wrote F16 instead/);
    expect(q8.files[0]!.path).toBe(f16.files[0]!.path); // same content, same name
    const a32 = await tensorsOf(f32.adapterPath);
    expect(a32.type).toBe("adapter");
    expect(a32.arch).toBe("llama");
    expect(a32.alpha).toMatchObject({ type: GgufValueType.FLOAT32, value: 16 });
    expect([...a32.tensors.keys()].sort()).toEqual([...src.tensors.keys()].sort());
    const a16 = await tensorsOf(f16.adapterPath);
    for (const [name, t] of src.tensors) {
      expect(a32.tensors.get(name)!.values).toEqual(t.values);
      const h = a16.tensors.get(name)!;
      expect(h.type).toBe(GgmlType.F16);
      expect(h.dims).toEqual(t.dims);
      t.values.forEach((v, i) => expect(Math.abs(h.values[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7));
    }
  });

  it("rank 32: Q8_0 for real, and llama.cpp gives the F32 adapter's logprobs with the Q8_0 file", async () => {
    const adapterPath = join(dir, "r32", "adapter.gguf");
    const q8 = await exportGgufLora({ adapterPath, outDir: join(dir, "out32"), type: "Q8_0" });
    expect(q8.notes.some((n) => n.includes("wrote F16"))).toBe(false);
    const t = await tensorsOf(q8.adapterPath);
    for (const [name, v] of t.tensors) expect(v.type, name).toBe(GgmlType.Q8_0);
    expect(t.alpha.value).toBeCloseTo(32 * Math.sqrt(32), 3); // rsLoRA: alpha * sqrt(r), as trained
    const tokens = [1, ...Array.from({ length: 31 }, (_, i) => 5 + ((i * 37) % 1900))];
    const [ref, base, lp] = await scoreVariants(basePath, tokens, [{ loras: [{ filePath: adapterPath }], kvCache: "F32" }, { kvCache: "F32" }, { loras: [{ filePath: q8.adapterPath }], kvCache: "F32" }]);
    measured.Q8_0 = Math.max(...lp.map((x, i) => Math.abs(x - ref[i]!)));
    measured.adapterEffect = Math.max(...base.map((x, i) => Math.abs(x - ref[i]!)));
    expect(measured.adapterEffect).toBeGreaterThan(0.5);
    expect(measured.Q8_0).toBeLessThanOrEqual(0.1);
  });
});
