/**
 * PEFT import: an exported PEFT folder imported back onto its base gives the original GGUF adapter bit for bit
 * (llama: the q/k lora_B rows permuted back; qwen2: untouched), with rsLoRA and per-layer ranks expressed through
 * adapter.lora.alpha; a PEFT folder as other tools write it (F16, in-memory adapter names) imports; and adapters
 * that do not fit give errors naming the tensor or setting.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportPeft } from "../../../electron/engine/export/exportPeft";
import { importPeft } from "../../../electron/engine/export/importPeft";
import { loadRunForExport } from "../../../electron/engine/export/loadRunForExport";
import { readAdapterPairs } from "../../../electron/engine/lora/readAdapterPairs";
import { decodeSafetensors } from "../../../electron/engine/export/readSafetensors";
import { encodeSafetensors } from "../../../electron/engine/export/writeSafetensors";
import { makeTinyModel, type TinyArch } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import type { ModelShape } from "../../../electron/engine/gguf/tiny/presets";
import type { LoraConfig } from "../../../electron/engine/lora/LoraConfig";
import { ALL_TARGETS, makeFakeRun } from "./fakeRun";

const dir = mkdtempSync(join(tmpdir(), "lora-studio-import-peft-"));
const bases = new Map<TinyArch, { path: string; shape: ModelShape }>();

beforeAll(async () => {
  for (const arch of ["llama", "qwen2"] as const) {
    const path = join(dir, `${arch}.gguf`);
    const { shape } = await makeTinyModel({ arch, preset: "tiny", seed: 4, out: path });
    bases.set(arch, { path, shape });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exported(name: string, arch: TinyArch, lora: Partial<LoraConfig>) {
  const { path, shape } = bases.get(arch)!;
  const runDir = join(dir, name);
  await makeFakeRun(runDir, { basePath: path, arch, shape, lora, seed: name.length });
  await exportPeft(await loadRunForExport(runDir), { outDir: join(runDir, "peft") });
  return { basePath: path, runDir, peftDir: join(runDir, "peft") };
}

describe("importPeft", () => {
  it.each([
    { arch: "llama" as const, lora: { rank: 8, alpha: 16, targets: ALL_TARGETS } },
    { arch: "qwen2" as const, lora: { rank: 4, alpha: 8, targets: ALL_TARGETS } },
    { arch: "llama" as const, lora: { rank: 8, alpha: 6, rslora: true, targets: ["q", "k", "v"] as LoraConfig["targets"] } },
    { arch: "qwen2" as const, lora: { rank: 8, alpha: 16, targets: ["q", "down"] as LoraConfig["targets"], layerRanks: { "1": 4 } } },
  ])("round-trips an exported $arch adapter exactly ($lora)", async ({ arch, lora }) => {
    const name = `rt-${arch}-${lora.rank}-${lora.alpha}-${lora.targets.length}`;
    const { basePath, runDir, peftDir } = await exported(name, arch, lora);
    const out = join(runDir, "imported.gguf");
    const result = await importPeft({ modelPath: basePath, peftDir, outPath: out });
    expect(result.files[0]!.path).toBe(out);
    const original = await readAdapterPairs(join(runDir, "adapter.gguf"));
    const back = await readAdapterPairs(out);
    expect(back.architecture).toBe(arch);
    expect(back.pairs.map((p) => p.baseName)).toEqual(original.pairs.map((p) => p.baseName));
    for (let i = 0; i < back.pairs.length; i++) {
      const [b, o] = [back.pairs[i]!, original.pairs[i]!];
      const scaleB = back.alpha / b.r;
      const scaleO = original.alpha / o.r;
      expect(b.a).toEqual(o.a);
      // B·scale is what llama.cpp applies: equal to float32 rounding (exactly equal when no scale was folded).
      b.b.forEach((v, j) => expect(Math.abs(v * scaleB - o.b[j]! * scaleO)).toBeLessThanOrEqual(1e-6 * Math.abs(o.b[j]! * scaleO) + 1e-12));
    }
    if (arch === "llama") expect(result.notes.join("\n")).toMatch(/q_proj \/ k_proj lora_B rows permuted into GGUF order/);
  });

  it("reads a PEFT folder as other tools save it (F16 tensors, adapter name in the keys, integer alpha)", async () => {
    const { basePath, peftDir } = await exported("f16", "llama", { rank: 8, alpha: 16, targets: ["q", "o"] });
    const foreign = join(dir, "foreign");
    mkdirSync(foreign);
    const st = decodeSafetensors(readFileSync(join(peftDir, "adapter_model.safetensors")), "x");
    const renamed = [...st.tensors].map(([n, t]) => ({ name: n.replace(".weight", ".default.weight"), shape: t.shape, values: t.values }));
    writeFileSync(join(foreign, "adapter_model.safetensors"), encodeSafetensors(renamed, "F16"));
    const configText = readFileSync(join(peftDir, "adapter_config.json"), "utf8");
    expect(configText).toContain('"lora_alpha": 16,'); // an integer, as Ollama's uint32 decoding needs
    const config = JSON.parse(configText);
    writeFileSync(join(foreign, "adapter_config.json"), JSON.stringify({ ...config, target_modules: ["q_proj", "o_proj", "v_proj"] }));
    const r = await importPeft({ modelPath: basePath, peftDir: foreign, outPath: join(dir, "foreign.gguf"), type: "F16" });
    expect(r.notes.join("\n")).toMatch(/targets v_proj but the safetensors file has no tensors for them/);
    expect((await readAdapterPairs(join(dir, "foreign.gguf"))).pairs).toHaveLength(2 * 2);
  });

  it("errors name the tensor or setting that does not fit", async () => {
    const { basePath, peftDir, runDir } = await exported("errors", "llama", { rank: 4, alpha: 8, targets: ["q", "up"] });
    const st = decodeSafetensors(readFileSync(join(peftDir, "adapter_model.safetensors")), "x");
    const config = readFileSync(join(peftDir, "adapter_config.json"), "utf8");
    const variant = (name: string, tensors: { name: string; shape: number[]; values: Float32Array }[], cfg = config) => {
      const d = join(runDir, name);
      mkdirSync(d);
      writeFileSync(join(d, "adapter_model.safetensors"), encodeSafetensors(tensors, "F32"));
      writeFileSync(join(d, "adapter_config.json"), cfg);
      return d;
    };
    const list = [...st.tensors].map(([name, t]) => ({ name, shape: t.shape, values: t.values }));
    const qA = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    const wrongShape = variant("shape", list.map((t) => (t.name === qA ? { ...t, shape: [4, 32], values: t.values.subarray(0, 128) } : t)));
    await expect(importPeft({ modelPath: basePath, peftDir: wrongShape, outPath: join(dir, "e1.gguf") })).rejects.toThrow(
      /model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight is \[4, 32\] but this base needs \[r, 64\]/,
    );
    const head = variant("head", [...list, { name: "base_model.model.lm_head.lora_A.weight", shape: [4, 64], values: new Float32Array(256) }]);
    await expect(importPeft({ modelPath: basePath, peftDir: head, outPath: join(dir, "e2.gguf") })).rejects.toThrow(/tensor base_model\.model\.lm_head\.lora_A\.weight is not a LoRA A\/B weight/);
    const module = variant("module", [...list, { name: "base_model.model.model.layers.0.self_attn.qkv_proj.lora_A.weight", shape: [4, 64], values: new Float32Array(256) }]);
    await expect(importPeft({ modelPath: basePath, peftDir: module, outPath: join(dir, "e3.gguf") })).rejects.toThrow(/adapts module "qkv_proj"/);
    const layer = variant("layer", list.map((t) => ({ ...t, name: t.name.replace("layers.1.", "layers.7.") })));
    await expect(importPeft({ modelPath: basePath, peftDir: layer, outPath: join(dir, "e4.gguf") })).rejects.toThrow(/layers\.7\..* base model has 2 layers/);
    const dora = variant("dora", list, JSON.stringify({ ...JSON.parse(config), use_dora: true }));
    await expect(importPeft({ modelPath: basePath, peftDir: dora, outPath: join(dir, "e5.gguf") })).rejects.toThrow(/use_dora is true/);
    const half = variant("half", list.filter((t) => t.name !== qA));
    await expect(importPeft({ modelPath: basePath, peftDir: half, outPath: join(dir, "e6.gguf") })).rejects.toThrow(/q_proj has lora_B but no lora_A/);
    copyFileSync(basePath, join(dir, "exists.gguf"));
    await expect(importPeft({ modelPath: basePath, peftDir, outPath: join(dir, "exists.gguf") })).rejects.toThrow(/already exists; give a new file name/);
    const qwen = bases.get("qwen2")!;
    await expect(importPeft({ modelPath: qwen.path, peftDir: join(dir, "nowhere"), outPath: join(dir, "e7.gguf") })).rejects.toThrow(/adapter_config\.json does not exist/);
  });
});
