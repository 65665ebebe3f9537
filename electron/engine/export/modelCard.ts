import { basename } from "node:path";
import type { RunForExport } from "./loadRunForExport";
import { HF_ID_PLACEHOLDER } from "./hfModelId";

/**
 * README.md for IT: what the adapter is for, the base model and its sha256, a data summary (counts, hashes,
 * redactions), the LoRA and training config, the metrics, and how to load it.
 */
export function modelCard(run: RunForExport, hfId: string, modelName: string | null): string {
  const r = run.record;
  const cfg = r.job.config;
  const lora = run.lora;
  const data = r.data ?? {};
  const res = r.result ?? {};
  const redactions = Object.entries(run.dataset?.redaction?.counts ?? {});
  const fmt = (v: number | null | undefined, d = 4) => (typeof v === "number" ? v.toFixed(d) : "n/a");
  const lines = [
    "---",
    `base_model: ${hfId}`,
    "library_name: peft",
    "tags: [lora, peft, lora-studio]",
    "---",
    "",
    `# LoRA adapter for ${modelName ?? basename(run.baseModel.path)}`,
    "",
    "Trained offline with LoRA Studio from the base model's GGUF file.",
    "",
    "## Base model",
    `- file: \`${basename(run.baseModel.path)}\` (architecture \`${run.baseModel.architecture}\`)`,
    `- sha256: \`${run.baseModel.sha256}\``,
    `- Hugging Face id: \`${hfId}\``,
  ];
  if (hfId === HF_ID_PLACEHOLDER) {
    lines.push(
      "",
      `The GGUF file does not name its Hugging Face repository, so adapter_config.json says \`${HF_ID_PLACEHOLDER}\`.`,
      "Replace it with the id of the model this GGUF was converted from (for example `Qwen/Qwen2.5-0.5B-Instruct`):",
      "PEFT and vLLM load the base weights from that id. The adapter only fits that exact model.",
    );
  }
  lines.push(
    "",
    "## Data",
    `- training examples: ${data.trainExamples ?? "n/a"}, validation examples: ${data.validationExamples ?? "n/a"}, left out: ${data.excludedExamples ?? 0}, truncated: ${data.truncatedExamples ?? 0}`,
    `- sha256 of the prepared sequences: \`${data.sha256 ?? "n/a"}\``,
    ...(data.files ?? []).map((f) => `- source file \`${basename(f.path)}\`${f.sha256 ? ` sha256 \`${f.sha256}\`` : ""}`),
    `- personal data redacted: ${redactions.length ? redactions.map(([k, n]) => `${k} ${n}`).join(", ") : "none"}`,
    ...(run.dataset?.model?.chatTemplate ? [`- chat template: ${run.dataset.model.chatTemplate}`] : []),
    "",
    "## Configuration",
    `- LoRA: rank ${lora.rank}, alpha ${lora.alpha}${lora.rslora ? " (rsLoRA: scale alpha / sqrt(r))" : ""}, dropout ${lora.dropout}, targets ${lora.targets.join(", ")}` +
      (Object.keys(lora.layerRanks).length ? `, per-layer ranks ${JSON.stringify(lora.layerRanks)}` : ""),
    `- training: learning rate ${cfg.lr ?? "n/a"}, batch ${cfg.batchSize ?? "n/a"} x accumulation ${cfg.gradAccum ?? "n/a"}, sequence length ${cfg.seqLen ?? "n/a"}, epochs ${cfg.epochs ?? "n/a"}${cfg.maxSteps ? `, max steps ${cfg.maxSteps}` : ""}`,
    "",
    "## Metrics",
    `- finished: ${res.reason ?? r.status} after ${res.step ?? "n/a"} steps`,
    `- final training loss: ${fmt(res.finalLoss)}; best validation loss: ${fmt(res.bestValLoss)}${res.bestStep != null ? ` (step ${res.bestStep})` : ""}`,
    `- trainable parameters: ${res.trainableParameters ?? "n/a"}`,
    "",
    "## Use",
    "```python",
    "from peft import PeftModel",
    "from transformers import AutoModelForCausalLM",
    `base = AutoModelForCausalLM.from_pretrained("${hfId}")`,
    'model = PeftModel.from_pretrained(base, "path/to/this/folder")',
    "```",
    `vLLM: \`vllm serve ${hfId} --enable-lora --lora-modules adapter=path/to/this/folder --max-lora-rank ${Math.max(lora.rank, ...Object.values(lora.layerRanks))}\``,
    "",
  );
  return lines.join("\n");
}
