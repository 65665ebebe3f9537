import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openGguf } from "../gguf/GgufFile";
import { ExportError } from "./ExportError";
import { describeFile, type ExportResult } from "./ExportResult";
import { HF_ID_PLACEHOLDER, hfModelId } from "./hfModelId";
import type { RunForExport } from "./loadRunForExport";
import { HF_MODULE } from "./peftNames";
import { readPreparedSegments, type Segments } from "./readPreparedSegments";
import { toYaml, type YamlValue } from "./toYaml";

export type RecipeTool = "axolotl" | "llama-factory";

/**
 * A scale-out recipe: the run's prepared dataset in the tool's format and a config with the same LoRA
 * hyperparameters, targets, chat template and base model, for the tool's multi-GPU launcher; the resulting PEFT
 * folder comes back with `lora-studio import-peft`.
 * Axolotl gets the template-free input_output format (the exact rendered text, trained spans labelled), so its
 * tokens and loss mask equal ours; LLaMA-Factory gets ShareGPT-style messages parsed from the ChatML rendering.
 */
export async function exportRecipe(run: RunForExport, tool: RecipeTool, outDir: string, options: { baseModelId?: string } = {}): Promise<ExportResult> {
  const base = await openGguf(run.baseModel.path);
  const hfId = options.baseModelId ?? (hfModelId(base) ?? HF_ID_PLACEHOLDER);
  await base.close();
  const job = run.record.job as { trainPath?: string; validationPath?: string | null; config: Record<string, unknown> & { lora: RunForExport["lora"] } };
  if (!job.trainPath) throw new ExportError(`${run.dir}/run.json has no job.trainPath; the run's prepared data is needed for a recipe`);
  const paths = [job.trainPath, ...(job.validationPath ? [job.validationPath] : [])];
  const [train, validation = []] = await readPreparedSegments(run.baseModel.path, paths);
  const template = run.dataset?.model?.chatTemplate ?? "unknown";
  const notes: string[] = [];
  if (Object.keys(run.lora.layerRanks).length) notes.push(`per-layer ranks ${JSON.stringify(run.lora.layerRanks)} are not expressible in ${tool}'s config; it trains rank ${run.lora.rank} everywhere`);
  if (hfId === HF_ID_PLACEHOLDER) notes.push(`the GGUF names no Hugging Face repository: replace "${HF_ID_PLACEHOLDER}" in the config with the base model's id (README.md explains)`);
  await mkdir(join(outDir, "data"), { recursive: true });
  const written: { path: string; role: string }[] = [];
  const write = async (name: string, text: string, role: string) => {
    await writeFile(join(outDir, name), text);
    written.push({ path: join(outDir, name), role });
  };
  const c = job.config;
  const targets = run.lora.targets.map((p) => HF_MODULE[p]);
  if (tool === "axolotl") {
    const jsonl = (rows: Segments[]) => rows.map((segments) => JSON.stringify({ segments })).join("\n") + "\n";
    await write("data/train.jsonl", jsonl(train!), "training data (Axolotl input_output)");
    if (validation.length) await write("data/validation.jsonl", jsonl(validation), "validation data (Axolotl input_output)");
    const config: Record<string, YamlValue> = {
      base_model: hfId,
      adapter: "lora",
      lora_r: run.lora.rank,
      lora_alpha: run.lora.alpha,
      lora_dropout: run.lora.dropout,
      lora_target_modules: targets,
      peft_use_rslora: run.lora.rslora,
      chat_template: template === "ChatML" ? "chatml" : null,
      datasets: [{ path: "data/train.jsonl", type: "input_output" }],
      ...(validation.length ? { test_datasets: [{ path: "data/validation.jsonl", type: "input_output", split: "train" }] } : { val_set_size: 0 }),
      train_on_inputs: false,
      sequence_len: num(c.seqLen),
      micro_batch_size: num(c.batchSize),
      gradient_accumulation_steps: num(c.gradAccum),
      num_epochs: num(c.epochs),
      ...(num(c.maxSteps) ? { max_steps: num(c.maxSteps) } : {}),
      learning_rate: num(c.lr),
      lr_scheduler: c.schedule === "linear" ? "linear" : c.schedule === "constant" ? "constant" : "cosine",
      warmup_ratio: num(c.warmupRatio),
      optimizer: "adamw_torch",
      weight_decay: num(c.weightDecay),
      adam_beta1: num(c.beta1),
      adam_beta2: num(c.beta2),
      adam_epsilon: num(c.adamEps),
      max_grad_norm: num(c.maxGradNorm),
      early_stopping_patience: num(c.earlyStopPatience) || null,
      seed: num(c.seed),
      bf16: "auto",
      output_dir: "./outputs/lora",
      save_safetensors: true,
    };
    await write("config.yml", toYaml(config), "Axolotl config");
  } else {
    if (template !== "ChatML") throw new ExportError(`the run's data was rendered with the ${template} chat template; the LLaMA-Factory recipe supports ChatML runs only: use --format axolotl (template-free, any chat template)`);
    const messages = (rows: Segments[]) => rows.map((segments, i) => ({ messages: chatmlMessages(segments.map((s) => s.text).join(""), i) }));
    await write("data/train.json", JSON.stringify(messages(train!), null, 1) + "\n", "training data (ShareGPT messages)");
    if (validation.length) await write("data/validation.json", JSON.stringify(messages(validation), null, 1) + "\n", "validation data (ShareGPT messages)");
    const entry = (file: string) => ({ file_name: file, formatting: "sharegpt", columns: { messages: "messages" }, tags: { role_tag: "role", content_tag: "content", user_tag: "user", assistant_tag: "assistant", system_tag: "system" } });
    await write("data/dataset_info.json", JSON.stringify({ lora_studio_train: entry("train.json"), ...(validation.length ? { lora_studio_validation: entry("validation.json") } : {}) }, null, 2) + "\n", "LLaMA-Factory dataset registry");
    const config: Record<string, YamlValue> = {
      model_name_or_path: hfId,
      stage: "sft",
      do_train: true,
      finetuning_type: "lora",
      lora_rank: run.lora.rank,
      lora_alpha: run.lora.alpha,
      lora_dropout: run.lora.dropout,
      lora_target: targets.join(","),
      use_rslora: run.lora.rslora,
      dataset_dir: "data",
      dataset: "lora_studio_train",
      ...(validation.length ? { eval_dataset: "lora_studio_validation", eval_strategy: "epoch" } : {}),
      template: "chatml",
      cutoff_len: num(c.seqLen),
      per_device_train_batch_size: num(c.batchSize),
      gradient_accumulation_steps: num(c.gradAccum),
      num_train_epochs: num(c.epochs),
      ...(num(c.maxSteps) ? { max_steps: num(c.maxSteps) } : {}),
      learning_rate: num(c.lr),
      lr_scheduler_type: c.schedule === "linear" ? "linear" : c.schedule === "constant" ? "constant" : "cosine",
      warmup_ratio: num(c.warmupRatio),
      weight_decay: num(c.weightDecay),
      max_grad_norm: num(c.maxGradNorm),
      seed: num(c.seed),
      bf16: true,
      output_dir: "saves/lora",
      save_safetensors: true,
    };
    await write("config.yaml", toYaml(config), "LLaMA-Factory config");
  }
  await write("README.md", recipeReadme(tool, hfId, run), "how to launch it and bring the result back");
  notes.unshift(`${train!.length} training and ${validation.length} validation sequences, as prepared for the run (same split and redactions)`);
  return { format: tool, files: await Promise.all(written.map((f) => describeFile(f.path, f.role))), notes };
}

/** ChatML text to messages: <|im_start|>role\ncontent<|im_end|> (SPM vocabularies detokenize a space before the role). */
function chatmlMessages(text: string, index: number): { role: string; content: string }[] {
  const out: { role: string; content: string }[] = [];
  for (const m of text.matchAll(/<\|im_start\|>\s*(\w+)\n([\s\S]*?)<\|im_end\|>/g)) out.push({ role: m[1]!, content: m[2]! });
  if (!out.some((m) => m.role === "assistant")) {
    throw new ExportError(
      `prepared sequence ${index + 1} is a document passage, not a question-and-answer chat, and a LLaMA-Factory recipe holds chats only; export the Axolotl recipe for runs trained on documents (--format axolotl)`,
      "recipe-documents",
    );
  }
  return out;
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

function recipeReadme(tool: RecipeTool, hfId: string, run: RunForExport): string {
  const config = tool === "axolotl" ? "config.yml" : "config.yaml";
  const launch =
    tool === "axolotl"
      ? ["axolotl train config.yml", "# or, across GPUs/machines: accelerate launch -m axolotl.cli.train config.yml"]
      : ["llamafactory-cli train config.yaml", "# across GPUs: FORCE_TORCHRUN=1 llamafactory-cli train config.yaml"];
  const out = tool === "axolotl" ? "outputs/lora" : "saves/lora";
  return [
    `# ${tool === "axolotl" ? "Axolotl" : "LLaMA-Factory"} recipe from LoRA Studio`,
    "",
    `Same data (as prepared: split, truncation, redactions), LoRA (rank ${run.lora.rank}, alpha ${run.lora.alpha}${run.lora.rslora ? ", rsLoRA" : ""}, targets ${run.lora.targets.join(", ")}), chat template and training settings as the run in ${run.dir}.`,
    "",
    "## Base model",
    `The config names \`${hfId}\`.`,
    ...(hfId === HF_ID_PLACEHOLDER
      ? [
          `The GGUF file (${run.baseModel.path}, sha256 ${run.baseModel.sha256}) does not say which Hugging Face model it was converted from.`,
          `Replace \`${HF_ID_PLACEHOLDER}\` in ${config} with that model's id (for example \`Qwen/Qwen2.5-0.5B-Instruct\`). It must be the exact model, or the adapter will not fit the GGUF.`,
        ]
      : []),
    "",
    "## Run",
    "```sh",
    ...launch,
    "```",
    "",
    "## Bring the result back",
    "```sh",
    `lora-studio import-peft --model ${run.baseModel.path} --peft ${out} --out adapter-imported.gguf`,
    "```",
    "",
  ].join("\n");
}
