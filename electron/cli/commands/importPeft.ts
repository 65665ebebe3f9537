import { resolve } from "node:path";
import { type Command } from "../Command";
import { optionalChoice, requireString } from "../args";
import type { ExportResult } from "../../engine/export/ExportResult";
import { importPeft } from "../../engine/export/importPeft";
import { ADAPTER_TYPES } from "../../engine/lora/writeAdapterGguf";

export const importPeftCommand: Command<ExportResult> = {
  name: "import-peft",
  summary: "turn a PEFT LoRA trained elsewhere (Axolotl, LLaMA-Factory, PEFT) into a GGUF LoRA for a base model",
  usage: `lora-studio import-peft --model FILE.gguf --peft DIR --out FILE.gguf [--type ${ADAPTER_TYPES.join("|")}] [--json]`,
  options: { model: { type: "string" }, peft: { type: "string" }, out: { type: "string" }, type: { type: "string" } },
  async run(args) {
    const type = optionalChoice(args, "type", ADAPTER_TYPES);
    return importPeft({ modelPath: resolve(requireString(args, "model")), peftDir: requireString(args, "peft"), outPath: requireString(args, "out"), ...(type ? { type } : {}) });
  },
  format: (r) => [...r.files.map((f) => `${f.path}  ${f.role}, ${f.bytes} bytes, sha256 ${f.sha256}`), ...r.notes.map((n) => `note: ${n}`)].join("\n"),
};
