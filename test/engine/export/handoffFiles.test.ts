/**
 * The hand-off texts: the Ollama Modelfile (exact text for ChatML, Qwen's default system prompt, Llama 3, unknown
 * templates), the PEFT adapter_config.json fields and README model card, and the compatibility report.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compatibilityReport } from "../../../electron/engine/export/compatibilityReport";
import { exportOllama } from "../../../electron/engine/export/exportOllama";
import { exportPeft } from "../../../electron/engine/export/exportPeft";
import { loadRunForExport } from "../../../electron/engine/export/loadRunForExport";
import { ollamaModelfile } from "../../../electron/engine/export/ollamaModelfile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { ALL_TARGETS, makeFakeRun } from "./fakeRun";

const dir = mkdtempSync(join(tmpdir(), "lora-studio-handoff-"));
const basePath = join(dir, "qwen2.gguf");
const runDir = join(dir, "run");

beforeAll(async () => {
  const { shape } = await makeTinyModel({ arch: "qwen2", preset: "tiny", seed: 1, out: basePath });
  await makeFakeRun(runDir, { basePath, arch: "qwen2", shape, lora: { rank: 4, alpha: 8, targets: ALL_TARGETS }, seed: 3 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Ollama Modelfile", () => {
  it("exportOllama writes the F16 GGUF LoRA and a Modelfile with FROM, ADAPTER, the ChatML TEMPLATE and stops", async () => {
    const out = join(dir, "ollama");
    const r = await exportOllama(await loadRunForExport(runDir), out);
    const adapter = r.files.find((f) => f.role.startsWith("GGUF LoRA"))!;
    expect(basename(adapter.path)).toMatch(/^adapter-f16-[0-9a-f]{12}\.gguf$/);
    expect(readFileSync(r.modelfilePath, "utf8")).toBe(
      [
        `FROM ${basePath}`,
        `ADAPTER ./${basename(adapter.path)}`,
        'TEMPLATE """{{- range .Messages }}<|im_start|>{{ .Role }}',
        "{{ .Content }}<|im_end|>",
        "{{ end }}<|im_start|>assistant",
        '"""',
        'PARAMETER stop "<|im_start|>"',
        'PARAMETER stop "<|im_end|>"',
        "",
      ].join("\n"),
    );
    expect(r.files.map((f) => f.role)).toEqual(["GGUF LoRA adapter (F16)", "Ollama Modelfile"]);
    for (const f of r.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps Qwen's default system prompt, converts Llama 3, and says so when it cannot convert", () => {
    const qwen =
      "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}{%- else %}" +
      "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}{%- endif %}";
    const q = ollamaModelfile({ basePath: "/m/q.gguf", adapterPath: "./a.gguf", chatTemplate: qwen, endOfTurnText: "<|im_end|>" });
    expect(q.text).toContain('SYSTEM """You are Qwen, created by Alibaba Cloud. You are a helpful assistant."""');
    expect(q.text.match(/PARAMETER stop/g)).toHaveLength(2);
    const l3 = ollamaModelfile({ basePath: "/m/my model.gguf", adapterPath: "./a.gguf", chatTemplate: "{{ '<|start_header_id|>' + m + '<|end_header_id|>\\n\\n' + c + '<|eot_id|>' }}", endOfTurnText: "<|eot_id|>" });
    expect(l3.text).toContain('FROM "/m/my model.gguf"');
    expect(l3.text).toContain("TEMPLATE \"\"\"{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>\n{{- end }}<|start_header_id|>assistant<|end_header_id|>\n\n\"\"\"");
    expect(l3.text).toContain('PARAMETER stop "<|eot_id|>"');
    const other = ollamaModelfile({ basePath: "/m/x.gguf", adapterPath: "./a.gguf", chatTemplate: "[INST] {{ m }} [/INST]", endOfTurnText: "</s>" });
    expect(other.text).not.toContain("TEMPLATE");
    expect(other.text).toContain('PARAMETER stop "</s>"');
    expect(other.notes[0]).toMatch(/neither ChatML nor Llama 3/);
  });
});

describe("PEFT folder", () => {
  it("writes adapter_config.json with the FORMATS.md fields and a model card", async () => {
    const out = join(dir, "peft");
    const r = await exportPeft(await loadRunForExport(runDir), { outDir: out });
    expect(r.files.map((f) => basename(f.path))).toEqual(["adapter_model.safetensors", "adapter_config.json", "README.md"]);
    const cfg = JSON.parse(readFileSync(join(out, "adapter_config.json"), "utf8"));
    expect(cfg).toMatchObject({
      peft_type: "LORA", task_type: "CAUSAL_LM", r: 4, lora_alpha: 8, lora_dropout: 0.05, bias: "none", fan_in_fan_out: false, use_rslora: false,
      use_dora: false, modules_to_save: null, rank_pattern: {}, alpha_pattern: {}, inference_mode: true, base_model_name_or_path: "REPLACE-WITH-HF-ID-OF-BASE-MODEL",
    });
    expect(cfg.target_modules).toEqual(["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]);
    expect(r.notes.join("\n")).toMatch(/names no Hugging Face repository/);
    const card = readFileSync(join(out, "README.md"), "utf8");
    expect(card).toContain(`sha256: \`${"0".repeat(64)}\``); // the base model's, from run.json
    expect(card).toContain("training examples: 20, validation examples: 5");
    expect(card).toContain("personal data redacted: email 2");
    expect(card).toContain("LoRA: rank 4, alpha 8");
    expect(card).toContain("best validation loss: 1.7500");
    expect(card).toContain("Replace it with the id");
  });
});

describe("compatibilityReport", () => {
  const lora = (o: object) => LoraConfigSchema.parse(o);
  const find = (entries: ReturnType<typeof compatibilityReport>, artifact: string, runtime: string) => entries.find((e) => e.artifact === artifact && e.runtime === runtime)!;

  it("llama, rank 16: everything works; Ollama takes the PEFT folder", () => {
    const e = compatibilityReport({ architecture: "llama", lora: lora({ rank: 16 }), hfIdKnown: true });
    expect(e.filter((x) => x.status !== "yes")).toEqual([]);
    expect(find(e, "gguf-lora", "llama.cpp").reason).toMatch(/Q8_0 needs a rank that is a multiple of 32/);
  });

  it("qwen2, rank 12: vLLM refuses the rank, Ollama refuses the PEFT folder, GGUF LoRA works everywhere", () => {
    const e = compatibilityReport({ architecture: "qwen2", lora: lora({ rank: 12 }), hfIdKnown: false });
    expect(find(e, "peft", "vLLM")).toMatchObject({ status: "no" });
    expect(find(e, "peft", "vLLM").reason).toContain("1, 8, 16, 32, 64, 128, 256, 320, 512");
    expect(find(e, "peft", "Ollama")).toMatchObject({ status: "no" });
    expect(find(e, "peft", "Hugging Face PEFT")).toMatchObject({ status: "caveat" });
    for (const rt of ["llama.cpp", "LM Studio", "Ollama"]) expect(find(e, "gguf-lora", rt).status).toBe("yes");
  });

  it("rank 32 allows Q8_0; per-layer ranks and rsLoRA are caveats", () => {
    const e = compatibilityReport({ architecture: "llama", lora: lora({ rank: 32, rslora: true, layerRanks: { "0": 64 } }), hfIdKnown: true });
    expect(find(e, "gguf-lora", "llama.cpp").reason).toContain("Q8_0");
    expect(find(e, "gguf-lora", "llama.cpp").reason).not.toContain("needs");
    expect(find(e, "peft", "vLLM")).toMatchObject({ status: "caveat" });
    expect(find(e, "peft", "Ollama")).toMatchObject({ status: "caveat" });
  });
});
