import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import yazl from "yazl";
import { describeFile, type ExportedFile, type ExportResult } from "../../engine/export/ExportResult";
import { cleanOnFailure, exportRun } from "../../engine/export/exportRun";
import { sha256File } from "../../engine/util/sha256File";
import type { RunRecord } from "../training/RunRecord";
import { EvaluationError } from "./EvaluationError";
import { writeReport } from "./writeReport";
import { addExportParity } from "./measureExportParity";
import type { FileParity } from "../../engine/export/ExportResult";

/** manifest.json at the root of the bundle: what is in it and what it was made from, with sha256 of everything. */
export interface BundleManifest {
  version: 1;
  createdAt: string;
  run: { dir: string; status: string; createdAt: string };
  baseModel: { path: string; sha256: string; architecture: string; parameters: number };
  trainingData: { sha256: string; files: { path: string; sha256?: string }[]; trainExamples: number; validationExamples: number };
  /** `parity` on the GGUF adapter: llama.cpp with it against the trained model on held-out tokens (nats). */
  files: { path: string; role: string; bytes: number; sha256: string; parity?: FileParity }[];
}

/**
 * The hand-off bundle for IT: one zip with the GGUF LoRA (F16) and its Ollama Modelfile, the PEFT folder with its
 * model card, the compatibility report, the evaluation report (HTML), run.json, the data card and eval.json when
 * present, and manifest.json with the sha256 of every file, of the base model and of the training data. Written to
 * OUTDIR/<run>-bundle.zip. Note: the base model itself is not included (IT has it, or gets it by its sha256).
 */
export async function exportBundle(runDir: string, outDir: string): Promise<ExportResult> {
  const dir = resolve(runDir);
  const recordText = await readFile(join(dir, "run.json"), "utf8").catch(() => null);
  if (recordText === null) throw new EvaluationError(`${join(dir, "run.json")} does not exist: --run takes the --out folder of a training run`);
  let record: RunRecord;
  try {
    record = JSON.parse(recordText) as RunRecord;
  } catch (error) {
    throw new EvaluationError(`${join(dir, "run.json")} is damaged (${(error as Error).message}); the run cannot be exported`);
  }
  const out = resolve(outDir);
  // A failed bundle (a full disk, a missing adapter) leaves neither an empty folder nor a half-written zip.
  return cleanOnFailure(out, () => writeBundle(dir, record, out));
}

async function writeBundle(dir: string, record: RunRecord, out: string): Promise<ExportResult> {
  await mkdir(out, { recursive: true });
  const zipPath = join(out, `${basename(dir)}-bundle.zip`);
  const staging = await mkdtemp(join(out, ".bundle-"));
  const notes: string[] = [];
  try {
    // The parts' notes name the staging folder, which is gone once zipped: inside the zip it is the zip's root.
    const inZip = (n: string) => n.split(staging).join("<unzipped bundle>");
    const ollama = await exportRun(dir, "ollama", join(staging, "gguf"));
    await addExportParity(dir, [ollama], { recordPath: (p) => join(zipPath, relative(staging, p)) });
    notes.push(...ollama.notes.map(inZip));
    const peft = await exportRun(dir, "peft", join(staging, "peft"));
    notes.push(...peft.notes.map(inZip));
    await writeFile(join(staging, "compatibility.json"), JSON.stringify(ollama.compatibility, null, 2) + "\n");
    await copyFile(join(staging, "peft", "README.md"), join(staging, "MODEL_CARD.md"));
    await copyFile(join(dir, "run.json"), join(staging, "run.json"));
    const datasetRecord = join(dir, record.data.datasetRecord ?? "data/dataset.json");
    if (existsSync(datasetRecord)) await copyFile(datasetRecord, join(staging, "dataset.json"));
    if (existsSync(join(dir, "eval.json"))) await copyFile(join(dir, "eval.json"), join(staging, "eval.json"));
    else notes.push(`the run has not been evaluated: the report has no metrics; run \`lora-studio eval --run ${dir}\` first for a complete bundle`);
    await writeReport(dir, "html", join(staging, "report.html"));

    const files: BundleManifest["files"] = [];
    for (const path of await listFiles(staging)) {
      const d = await describeFile(path, roleOf(relative(staging, path)));
      const parity = ollama.files.find((f) => f.path === path)?.parity;
      files.push({ ...d, path: relative(staging, path).split(sep).join("/"), ...(parity ? { parity } : {}) });
    }
    const manifest: BundleManifest = {
      version: 1,
      createdAt: new Date().toISOString(),
      run: { dir, status: record.status, createdAt: record.createdAt },
      baseModel: record.baseModel,
      trainingData: { sha256: record.data.sha256, files: record.data.files, trainExamples: record.data.trainExamples, validationExamples: record.data.validationExamples },
      files,
    };
    if (existsSync(record.baseModel.path) && (await sha256File(record.baseModel.path)) !== record.baseModel.sha256) {
      notes.push(`the base model at ${record.baseModel.path} no longer has the sha256 it was trained with (${record.baseModel.sha256}); the manifest names the trained-with file`);
    }
    await writeFile(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

    const zip = new yazl.ZipFile();
    for (const f of [...files.map((f) => f.path), "manifest.json"]) zip.addFile(join(staging, ...f.split("/")), f);
    zip.end();
    const sink = createWriteStream(zipPath);
    zip.outputStream.pipe(sink);
    try {
      await once(sink, "finish");
    } catch (error) {
      await rm(zipPath, { force: true });
      throw error;
    }
    const zipFile: ExportedFile = await describeFile(zipPath, `hand-off bundle for IT (zip of ${files.length + 1} files, manifest.json inside)`);
    return { format: "bundle", files: [zipFile], notes };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else if ((await stat(p)).isFile()) out.push(p);
  }
  return out;
}

function roleOf(path: string): string {
  const p = path.split(sep).join("/");
  if (p.startsWith("gguf/") && p.endsWith(".gguf")) return "GGUF LoRA adapter (F16)";
  if (p === "gguf/Modelfile") return "Ollama Modelfile";
  if (p === "peft/adapter_model.safetensors") return "PEFT adapter weights";
  if (p === "peft/adapter_config.json") return "PEFT adapter config";
  if (p === "peft/README.md" || p === "MODEL_CARD.md") return "model card";
  if (p === "compatibility.json") return "compatibility report";
  if (p === "run.json") return "training record";
  if (p === "dataset.json") return "data card";
  if (p === "eval.json") return "evaluation metrics";
  if (p === "report.html") return "evaluation report";
  return "file";
}
