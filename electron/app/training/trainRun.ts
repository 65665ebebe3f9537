import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { access, constants, mkdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { summarizeModel, type ModelInspection } from "../../engine/gguf/inspectModel";
import { hasCheckpoint } from "../../engine/training/checkpointStore";
import { writeJsonAtomic } from "../../engine/training/runTrainingJob";
import type { TrainConfig } from "../../engine/training/TrainConfig";
import type { TrainJob } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import { prepareDataset } from "../data/prepareDataset";
import { forkTrainingWorker, type TrainingProcess } from "./forkTrainingWorker";
import type { RunRecord, RunStatus } from "./RunRecord";
import { TrainInputError } from "./TrainInputError";

export interface TrainRequest {
  modelPath: string;
  dataPaths: string[];
  outDir: string;
  config: TrainConfig;
  /** Share of examples held out for validation (default 0.1; 0 turns validation and early stopping off). */
  valSplit?: number;
  /** Data files (also in dataPaths) that are the validation side as split beforehand; valSplit is then not used. */
  validationPaths?: string[];
  backend?: TrainJob["backend"];
  /** Drafts files among the data: import pending drafts too (rejected never); default accepted and edited only. */
  includeUnreviewed?: boolean;
}

/**
 * Checks every input before anything heavy happens (model readable and trainable, the sequence length, when
 * known, within its context, data files present, output folder writable and free of another run). The train
 * command calls it before computing a recommendation; prepareTrainingRun calls it again with the final config.
 */
export async function checkTrainInputs(request: Omit<TrainRequest, "config">, seqLen?: number): Promise<{ outDir: string; modelPath: string; model: Omit<ModelInspection, "sha256"> }> {
  const outDir = resolve(request.outDir);
  const modelPath = resolve(request.modelPath);
  if (!existsSync(modelPath)) throw new TrainInputError(`model file ${modelPath} does not exist; give the path of a .gguf model`);
  const model = await summarizeModel(modelPath);
  if (!model.trainable) throw new TrainInputError(`${modelPath} cannot be trained here: ${model.notTrainableReason}`);
  if (seqLen !== undefined && model.contextLength && seqLen > model.contextLength) {
    throw new TrainInputError(`sequence length ${seqLen} is longer than the model's context (${model.contextLength} tokens); use --seq-len ${model.contextLength} or less`);
  }
  if (request.dataPaths.length === 0) throw new TrainInputError("no data given; pass one or more files with --data");
  for (const p of request.dataPaths) {
    const s = await stat(p).catch(() => null);
    if (!s) throw new TrainInputError(`data file ${resolve(p)} does not exist`);
    if (!s.isFile()) throw new TrainInputError(`data path ${resolve(p)} is not a file`);
    if (s.size === 0) throw new TrainInputError(`data file ${resolve(p)} is empty`);
  }
  await ensureWritable(outDir);
  if (existsSync(join(outDir, "run.json"))) {
    throw new TrainInputError(`${outDir} already holds a training run; continue it with --resume ${outDir} or choose another --out folder`);
  }
  return { outDir, modelPath, model };
}

/**
 * Prepares a run: checks the inputs (checkTrainInputs), prepares the dataset with the model's own chat
 * template into DIR/data, and writes DIR/run.json. Returns the record, whose job the worker runs.
 */
export async function prepareTrainingRun(request: TrainRequest, log: (line: string) => void = () => {}): Promise<RunRecord> {
  const { outDir, modelPath, model } = await checkTrainInputs(request, request.config.seqLen);
  log(`preparing data with ${model.architecture}'s chat template...`);
  const dataDir = join(outDir, "data");
  const valSplit = request.valSplit ?? 0.1;
  const dataset = await prepareDataset(request.dataPaths.map((p) => resolve(p)), {
    modelPath,
    outDir: dataDir,
    seqLen: request.config.seqLen,
    split: valSplit > 0 ? { fraction: valSplit, seed: request.config.seed } : { fraction: 0, min: 0, max: 0, seed: request.config.seed },
    ...(request.validationPaths ? { validationPaths: request.validationPaths.map((p) => resolve(p)) } : {}),
    ...(request.includeUnreviewed ? { includeUnreviewed: true } : {}),
  });
  if (dataset.counts.train === 0) {
    const errors = dataset.report.findings.filter((f) => f.severity === "error").slice(0, 3).map((f) => f.message.en);
    throw new TrainInputError(`no usable training example in ${request.dataPaths.join(", ")}${errors.length ? `: ${errors.join("; ")}` : ""}; run \`lora-studio data inspect\` on the files for details`);
  }
  const trainPath = join(dataDir, "train.jsonl");
  const validationPath = dataset.counts.validation > 0 ? join(dataDir, "validation.jsonl") : null;
  const now = new Date().toISOString();
  const record: RunRecord = {
    version: 1,
    status: "running",
    createdAt: now,
    updatedAt: now,
    baseModel: { path: modelPath, sha256: dataset.model.sha256, architecture: model.architecture, parameters: model.parameters },
    data: {
      files: dataset.files.map((f) => ({ path: f.path, ...(f.sha256 ? { sha256: f.sha256 } : {}) })),
      sha256: await sha256Files(validationPath ? [trainPath, validationPath] : [trainPath]),
      trainExamples: dataset.counts.train,
      validationExamples: dataset.counts.validation,
      excludedExamples: dataset.counts.excluded,
      truncatedExamples: dataset.counts.truncated,
      datasetRecord: relative(outDir, join(dataDir, "dataset.json")),
    },
    job: { modelPath, trainPath, validationPath, outDir, config: request.config, resume: false, ...(request.backend ? { backend: request.backend } : {}) },
    attempts: [],
  };
  await writeJsonAtomic(join(outDir, "run.json"), storedRecord(record));
  return record;
}

/**
 * Reads DIR/run.json of an interrupted, paused or cancelled run, to continue it from its newest checkpoint (or,
 * where none was saved, from the start). An attempt left open by a process that died with its parent (kill -9
 * of both) is closed here as interrupted with its cause. The caller holds the run folder's lock (lockRunFolder),
 * so a run.json still saying "running" is one whose processes are gone.
 */
export async function loadRunForResume(outDir: string): Promise<RunRecord> {
  const dir = resolve(outDir);
  const path = join(dir, "run.json");
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) throw new TrainInputError(`${path} does not exist: --resume takes the --out folder of an earlier run`);
  let record: RunRecord;
  try {
    record = JSON.parse(text) as RunRecord;
  } catch (error) {
    throw new TrainInputError(`${path} is damaged (${(error as Error).message}); the run cannot be resumed from it: start a new run with another --out folder`);
  }
  if (record.status === "finished") throw new TrainInputError(`the run in ${dir} already finished; start a new run with another --out folder`);
  const attempts = record.attempts.map((a, i) =>
    i === record.attempts.length - 1 && !a.endedAt
      ? { ...a, endedAt: record.updatedAt, status: "interrupted" as const, cause: a.cause ?? "the training process and the process that watched it ended without reporting (killed, or the computer restarted)" }
      : a,
  );
  const job = { ...record.job, ...rebasedPaths(record.job, dir) };
  return { ...record, attempts, job: { ...job, resume: hasCheckpoint(join(dir, "checkpoints")) } };
}

/**
 * The job's run-folder paths for the folder run.json was read from: a copied or moved run folder resumes in
 * place, not into the folder it was first trained in. Paths may be relative to the run folder or absolute
 * (records written before); an absolute one inside the recorded folder moves with it.
 */
export function rebasedPaths(job: RunRecord["job"], dir: string): Pick<RunRecord["job"], "outDir" | "trainPath" | "validationPath"> {
  const from = isAbsolute(job.outDir) ? resolve(job.outDir) : dir;
  const move = (p: string) => {
    if (!isAbsolute(p)) return resolve(dir, p);
    const rel = relative(from, p);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? join(dir, rel) : p;
  };
  return { outDir: dir, trainPath: move(job.trainPath), validationPath: job.validationPath ? move(job.validationPath) : null };
}

/**
 * run.json as written: paths inside the run folder relative to it (outDir ".", data/train.jsonl, adapter.gguf),
 * so that a copied or moved folder resumes, evaluates and exports in place. The record in memory keeps absolute
 * paths; readers resolve the stored ones against the folder they read (rebasedPaths; older records were absolute).
 */
export function storedRecord(record: RunRecord): RunRecord {
  const dir = record.job.outDir;
  if (!isAbsolute(dir)) return record;
  const rel = (p: string) => {
    const r = relative(dir, p);
    return r && !r.startsWith("..") && !isAbsolute(r) ? r.split("\\").join("/") : p;
  };
  return {
    ...record,
    job: { ...record.job, outDir: ".", trainPath: rel(record.job.trainPath), validationPath: record.job.validationPath ? rel(record.job.validationPath) : null },
    ...(record.result ? { result: { ...record.result, adapterPath: rel(record.result.adapterPath), lastAdapterPath: rel(record.result.lastAdapterPath) } } : {}),
  };
}

/** Whether a run can continue from a checkpoint; where it cannot, what resuming does instead. */
export function resumeHint(outDir: string): { resumable: boolean; text: string } {
  return hasCheckpoint(join(outDir, "checkpoints"))
    ? { resumable: true, text: `continue with \`lora-studio train --resume ${outDir}\`` }
    : { resumable: false, text: `no checkpoint was saved yet, so \`lora-studio train --resume ${outDir}\` starts it again from the beginning` };
}

/** Failures that leave the run whole and resumable: the disk was full. */
const INTERRUPTING = new Set(["DiskFull", "CheckpointWriteError"]);

export interface RunHandle {
  process: TrainingProcess;
  /** Resolves with the final record once the worker has ended, however it ended. */
  finished: Promise<RunRecord>;
}

/** Starts a training worker process for a job (forkTrainingWorker; the Electron app passes a utilityProcess launcher). */
export type StartWorker = (job: TrainJob, onEvent: (e: TrainingEvent) => void) => TrainingProcess;

/** Starts (or resumes) the worker for a prepared run, keeping run.json up to date. */
export function startTrainingRun(record: RunRecord, onEvent: (e: TrainingEvent) => void, startWorker: StartWorker = forkTrainingWorker, writeRecord: (path: string, value: unknown) => Promise<void> = writeJsonAtomic): RunHandle {
  const dir = record.job.outDir;
  const runJson = join(dir, "run.json");
  const attempt: RunRecord["attempts"][number] = { startedAt: new Date().toISOString(), fromStep: null };
  const current: RunRecord = { ...record, status: "running", attempts: [...record.attempts, attempt] };
  delete current.error;
  const proc = startWorker(record.job, (e) => {
    if (e.type === "started") attempt.fromStep = e.resumedFromStep;
    onEvent(e);
  });
  const finished = (async () => {
    let writeError: Error | null = null;
    try {
      await writeRecord(runJson, storedRecord(current));
    } catch (error) {
      // Without a record of it the run must not go on (a full disk): stop it at a checkpoint, then say why.
      writeError = error as Error;
      proc.cancel();
    }
    const result = await proc.done;
    let status: RunStatus;
    const hint = resumeHint(dir);
    if (writeError) {
      status = "interrupted";
      current.error = { code: writeError.name, message: writeError.message.split("\n")[0]!, resumable: hint.resumable };
      attempt.cause = current.error.message;
      if (result.status === "finished") current.result = result.outcome;
    } else if (result.status === "finished" && result.outcome.stoppedBy) {
      const by = result.outcome.stoppedBy;
      status = "interrupted";
      const cause = by === "parent-gone" ? "the process that started the training ended" : `stopped by ${by}${by === "SIGINT" ? " (Ctrl-C)" : ""}`;
      current.error = { code: "Stopped", message: `${cause} at step ${result.outcome.step}, after saving a checkpoint; ${hint.text}`, resumable: hint.resumable };
      attempt.cause = cause;
    } else if (result.status === "finished") {
      status = result.outcome.reason === "cancelled" ? "cancelled" : "finished";
      current.result = result.outcome;
    } else if (result.status === "failed") {
      status = INTERRUPTING.has(result.error.code) ? "interrupted" : "failed";
      current.error = { code: result.error.code, message: result.error.message, resumable: hint.resumable };
      if (status === "interrupted") attempt.cause = result.error.message;
    } else {
      status = "interrupted";
      const code = /memory/i.test(result.cause) ? "OutOfMemory" : result.signal || result.exitCode === 130 || result.exitCode === 143 || result.exitCode === 137 ? "WorkerKilled" : "WorkerDied";
      current.error = { code, message: `${result.cause}; ${hint.text}`, resumable: hint.resumable };
      attempt.cause = result.cause;
    }
    current.status = status;
    attempt.status = status;
    attempt.endedAt = new Date().toISOString();
    current.updatedAt = attempt.endedAt;
    current.job = { ...current.job, resume: false };
    try {
      await writeRecord(runJson, storedRecord(current));
    } catch (error) {
      // The disk is still full: run.json keeps its last state, which readers take for interrupted once the
      // run folder's lock is free (the caller's process ends or lets go of it). The returned record says why.
      if (!writeError) {
        current.status = "interrupted";
        current.error = { code: (error as Error).name, message: (error as Error).message.split("\n")[0]!, resumable: hint.resumable };
      }
    }
    return current;
  })();
  return { process: proc, finished };
}

async function ensureWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new TrainInputError(`output folder ${dir} is not writable (${(error as Error).message.split("\n")[0]}); choose another --out folder`);
  }
}

async function sha256Files(paths: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const p of paths) for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
