import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, type Command } from "../Command";
import { optionalInt, optionalString } from "../args";
import { demoWorkDir } from "../../app/demo/demoWorkDir";
import { formatComparison, runDemo, type DemoResult } from "../../app/demo/runDemo";

export const demoCommand: Command<DemoResult> = {
  name: "demo",
  summary: "the whole job offline on a small demo model: train on a bundled sample, compare base and tuned answers, export",
  usage: [
    "lora-studio demo [--work-dir DIR] [--model FILE.gguf] [--steps N] [--max-tokens N] [--json]",
    "",
    "  Makes (once, then reuses) a small random-weight demo model in DIR (default: your cache folder), trains a LoRA",
    "  on resources/samples/clinic-faq.jsonl with 5 questions held out, prints base and tuned answers side by side",
    "  and the validation loss before and after, and exports the adapter in every format into DIR/runs/<time>/export.",
    "  --model uses a real GGUF instead of the demo model.",
  ].join("\n"),
  options: { "work-dir": { type: "string" }, model: { type: "string" }, steps: { type: "string" }, "max-tokens": { type: "string" } },
  async run(args, io) {
    const modelPath = optionalString(args, "model");
    if (modelPath !== undefined && !existsSync(modelPath)) throw new UsageError(`model file ${resolve(modelPath)} does not exist; give the path of a .gguf model, or leave --model out to use the demo model`);
    const maxSteps = optionalInt(args, "steps", 1, 100_000);
    const maxTokens = optionalInt(args, "max-tokens", 1, 4096);
    return runDemo({
      workDir: optionalString(args, "work-dir") ?? demoWorkDir(),
      onLog: io.log,
      ...(modelPath !== undefined ? { modelPath } : {}),
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    });
  },
  format: (r) =>
    [
      r.notice,
      "",
      `model: ${r.model.path}${r.model.generated ? ` (demo model, ${r.model.reused ? "reused" : "made now"})` : ""}`,
      `trained ${r.run.steps} steps in ${r.run.trainingSeconds.toFixed(0)} s on ${r.data.trainExamples} examples; adapter ${r.run.adapterPath}`,
      `validation loss on ${r.data.validationExamples} held-out examples: ${r.validationLoss.before.toFixed(3)} before, ${r.validationLoss.after.toFixed(3)} after`,
      "",
      "Base and tuned answers (greedy), held-out questions first:",
      ...r.comparisons.map(formatComparison),
      "",
      "Exports:",
      ...r.exports.map((e) => (e.error ? `  ${e.format}: failed: ${e.error}` : `  ${e.format}: ${e.files.join(", ")}`)),
      "",
      `done in ${r.seconds.toFixed(0)} s`,
    ].join("\n"),
};
