import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { openGguf } from "../gguf/GgufFile";
import { describeFile, type ExportResult } from "./ExportResult";
import { exportGgufLora } from "./exportGgufLora";
import type { RunForExport } from "./loadRunForExport";
import { ollamaModelfile } from "./ollamaModelfile";

/**
 * An Ollama folder: the GGUF LoRA (F16, content-hashed name) and a Modelfile that uses it on the base GGUF.
 * `ollama create NAME -f Modelfile` in that folder builds the model.
 */
export async function exportOllama(run: RunForExport, outDir: string): Promise<ExportResult & { modelfilePath: string }> {
  const lora = await exportGgufLora({ adapterPath: run.adapterPath, outDir, type: "F16" });
  const base = await openGguf(run.baseModel.path);
  let chatTemplate: string | undefined;
  let endOfTurnText: string | null = null;
  try {
    chatTemplate = base.optionalString("tokenizer.chat_template");
    // The end-of-turn token training appended (dataset.json), else the model's own; EOS ends generation in Ollama anyway.
    const eot = run.dataset?.model?.endOfTurnToken ?? base.optionalNumber("tokenizer.ggml.eot_token_id");
    const tokens = base.has("tokenizer.ggml.tokens") ? base.value("tokenizer.ggml.tokens") : undefined;
    if (eot !== undefined && Array.isArray(tokens) && typeof tokens[eot] === "string") endOfTurnText = tokens[eot] as string;
  } finally {
    await base.close();
  }
  const { text, notes } = ollamaModelfile({ basePath: run.baseModel.path, adapterPath: `./${basename(lora.adapterPath)}`, chatTemplate, endOfTurnText });
  const modelfilePath = join(outDir, "Modelfile");
  await writeFile(modelfilePath, text);
  return {
    format: "ollama",
    files: [...lora.files, await describeFile(modelfilePath, "Ollama Modelfile")],
    notes: [
      `build it with: cd ${outDir} && ollama create my-adapter -f Modelfile (the base GGUF stays at ${run.baseModel.path})`,
      "Ollama applies one adapter per model",
      ...notes,
      ...lora.notes.filter((n) => !n.startsWith("GGUF LoRA for")),
    ],
    modelfilePath,
  };
}
