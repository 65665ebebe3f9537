import { resolve } from "node:path";
import { UsageError, type Command } from "../Command";
import { inspectModel, type ModelInspection } from "../../engine/gguf/inspectModel";

export const inspectModelCommand: Command<ModelInspection> = {
  name: "inspect-model",
  summary: "show a GGUF model's architecture, shape, tensor types, chat template and sha256",
  usage: "lora-studio inspect-model FILE.gguf [--json]",
  options: {},
  allowPositionals: true,
  async run(args) {
    const [file, ...extra] = args.positionals;
    if (!file || extra.length) throw new UsageError("give exactly one model file");
    return inspectModel(resolve(file));
  },
  format: (r) =>
    [
      `${r.path}`,
      `  ${r.name ?? "(no name)"}: ${r.architecture}, ${r.parameters.toLocaleString("en")} parameters, ${r.layers} layers, width ${r.embeddingLength}, FFN ${r.feedForwardLength}`,
      `  heads ${r.heads} (kv ${r.kvHeads}, dim ${r.headDim}), vocabulary ${r.vocabularySize}, context ${r.contextLength}, ${r.tiedEmbeddings ? "tied" : "separate"} output head`,
      `  tensor types: ${Object.entries(r.tensorTypes).map(([t, n]) => `${t} x${n}`).join(", ")}`,
      `  chat template: ${r.hasChatTemplate ? "yes" : "no"}; tokenizer: ${r.tokenizer ?? "none"}`,
      `  trainable here: ${r.trainable ? "yes" : `no (${r.notTrainableReason})`}`,
      `  sha256 ${r.sha256}`,
    ].join("\n"),
};
