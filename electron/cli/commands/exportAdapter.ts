import { UsageError, type Command } from "../Command";
import { optionalChoice, optionalString, requireString } from "../args";
import { EXPORT_FORMATS } from "../../engine/export/ExportResult";
import { MERGED_TYPES } from "../../engine/export/exportMerged";
import { exportRun, runCompatibility, type RunExportResult } from "../../engine/export/exportRun";
import { loadRunForExport } from "../../engine/export/loadRunForExport";
import type { CompatibilityEntry } from "../../engine/export/compatibilityReport";
import { exportBundle } from "../../app/evaluation/exportBundle";
import { addExportParity } from "../../app/evaluation/measureExportParity";
import type { ExportResult } from "../../engine/export/ExportResult";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** The engine's formats plus the hand-off bundle, which the app composes (report, manifest) over them. */
const CLI_FORMATS = [...EXPORT_FORMATS, "bundle"] as const;

type ExportCommandResult = RunExportResult | ExportResult | { compatibility: CompatibilityEntry[] };

export const exportCommand: Command<ExportCommandResult> = {
  name: "export",
  summary: "export a trained adapter for IT: GGUF LoRA, PEFT, Ollama, merged GGUF, or an Axolotl / LLaMA-Factory recipe",
  usage: [
    `lora-studio export --run DIR --format ${CLI_FORMATS.join("|")} --out FOLDER [options] [--json]`,
    "lora-studio export --run DIR --check [--json]      which runtimes accept which file, without exporting",
    "",
    "  gguf, gguf-f16, gguf-q8_0   GGUF LoRA (F32 / F16 / Q8_0; Q8_0 needs a rank that is a multiple of 32, else F16)",
    "  peft                        adapter_model.safetensors + adapter_config.json + README.md",
    "  ollama                      GGUF LoRA (F16) + Modelfile",
    `  merged                      base + adapter in one GGUF (--merged-type ${MERGED_TYPES.join("|")}, default F16)`,
    "  axolotl, llama-factory      the prepared data and a config with the same settings, for multi-GPU runs",
    "  bundle                      one zip for IT: GGUF LoRA + Modelfile, PEFT, model card, compatibility, report, run.json, manifest.json (sha256 of all); --out NAME.zip writes that file, a folder gets RUN-bundle.zip",
    "  --last                      export adapter-last.gguf instead of adapter.gguf (best validation loss)",
    "  --base-model-id ID          the base's Hugging Face id when the GGUF does not name it",
  ].join("\n"),
  options: {
    run: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
    check: { type: "boolean" },
    last: { type: "boolean" },
    "merged-type": { type: "string" },
    "base-model-id": { type: "string" },
  },
  async run(args, io) {
    const runDir = requireString(args, "run");
    const baseModelId = optionalString(args, "base-model-id");
    if (args.values.check) return { compatibility: await runCompatibility(await loadRunForExport(runDir), baseModelId) };
    const format = optionalChoice(args, "format", CLI_FORMATS);
    if (!format) throw new UsageError(`missing --format (one of ${CLI_FORMATS.join(", ")})`);
    const out = optionalString(args, "out");
    if (!out) throw new UsageError("missing --out (the folder to write into)");
    const mergedType = optionalChoice(args, "merged-type", MERGED_TYPES);
    if (mergedType && format !== "merged") throw new UsageError(`--merged-type applies to --format merged, not ${format}`);
    io.log(`exporting ${runDir} as ${format}...`);
    if (format === "bundle") return out.toLowerCase().endsWith(".zip") ? bundleAs(runDir, out) : exportBundle(runDir, out);
    const result = await exportRun(runDir, format, out, { ...(mergedType ? { mergedType } : {}), ...(args.values.last ? { adapter: "last" as const } : {}), ...(baseModelId ? { baseModelId } : {}) });
    // Note: --last exports another adapter than the one parity compares with (the best): no parity then.
    if (!args.values.last) await addExportParity(runDir, [result], { inProcessLimitBytes: Infinity }); // a process of its own
    return result;
  },
  format: (r) => {
    const lines: string[] = [];
    if ("files" in r) {
      lines.push(`${r.format}:`);
      for (const f of r.files) {
        lines.push(`  ${f.path}  ${f.role}, ${f.bytes} bytes, sha256 ${f.sha256}`);
        if (f.parity) lines.push(`    matches the trained model: ${f.parity.pass ? "yes" : "NO"} (largest log-probability difference ${f.parity.maxAbsLogprobDiff.toExponential(1)} nats over ${f.parity.tokens} held-out tokens; bound ${f.parity.bound})`);
      }
      for (const n of r.notes) lines.push(`  note: ${n}`);
    }
    if (!("compatibility" in r)) return lines.join("\n");
    lines.push("compatibility:");
    for (const c of r.compatibility) lines.push(`  ${c.status.padEnd(6)} ${c.artifact.padEnd(11)} ${c.runtime}: ${c.reason}`);
    return lines.join("\n");
  },
};

/** The bundle written as the zip file named by --out (the bundle is made beside it, then moved into place). */
async function bundleAs(runDir: string, zipPath: string): Promise<ExportResult> {
  const target = resolve(zipPath);
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(`${target}.partial-`);
  try {
    const result = await exportBundle(runDir, staging);
    const zip = result.files.find((f) => f.path.endsWith(".zip"));
    if (!zip) throw new Error(`the bundle in ${staging} has no zip file`);
    await rename(zip.path, target);
    return { ...result, files: result.files.map((f) => (f === zip ? { ...f, path: target } : f)) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
