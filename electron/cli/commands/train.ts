import { UsageError, type Command, type CommandArgs } from "../Command";
import { optionalChoice, optionalNumber, optionalString } from "../args";
import { TrainConfigSchema, type TrainConfig } from "../../engine/training/TrainConfig";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import { PROJECTIONS } from "../../engine/model/ModelWeights";
import { TARGET_PRESETS } from "../../engine/lora/LoraConfig";
import { checkTrainInputs, loadRunForResume, prepareTrainingRun, type RunHandle, type TrainRequest } from "../../app/training/trainRun";
import { trainWithStepDown } from "../../app/training/trainWithStepDown";
import { configForTraining, type ExplicitSettings } from "../../app/recommend/configForTraining";
import { resolveHome, storePath } from "../../app/store/resolveHome";
import { openStore } from "../../app/store/openStore";
import { importRunFolders } from "../../app/store/importRunFolders";
import { join } from "node:path";
import type { RunRecord } from "../../app/training/RunRecord";
import { formatConfigError } from "../formatConfigError";
import { lockRunFolder, type RunFolderLock } from "../../app/training/lockRunFolder";

const BACKENDS = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"] as const;

export const trainCommand: Command<RunRecord> = {
  name: "train",
  summary: "train a LoRA adapter on your data in a separate process (resumable)",
  usage: [
    "lora-studio train --model FILE.gguf --data FILE... --out DIR [options] [--json]",
    "lora-studio train --resume DIR [--json]",
    "",
    "  --rank N --alpha X --dropout X --rslora    LoRA shape (default rank 16, alpha 32, dropout 0.05)",
    `  --targets LIST                            ${PROJECTIONS.join(",")} (default all), or a preset: ${Object.keys(TARGET_PRESETS).join(", ")}`,
    "  --epochs X --max-steps N                  training length (default 3 epochs)",
    "  --lr X --batch N --accum N --seq-len N    optimisation (default 2e-4, 1, 4, 512)",
    "  --val-split X --eval-every N              validation share (default 0.1) and cadence in steps (default once per epoch)",
    "  --early-stop-patience N                   evaluations without improvement before stopping (default 3; 0 = off)",
    "  --seed N --checkpoint-every N --gradient-checkpointing --quantized-base",
    `  --backend ${BACKENDS.join("|")}`,
    "  --include-unreviewed                      drafts files (lora-studio data draft): pending pairs train too (default:",
    "                                            accepted and edited only; rejected ones never)",
    "  --defaults                                settings not given take built-in defaults instead of this machine's",
    "                                            recommendation (which runs a short calibration first)",
    "",
    "Writes DIR/adapter.gguf (best validation loss), DIR/adapter-last.gguf, DIR/metrics.jsonl, DIR/run.json, DIR/checkpoints/.",
    "Ctrl-C (or SIGTERM) saves a checkpoint of the current step and stops; --resume DIR continues from it (from the",
    "start when no checkpoint was saved; a damaged newest checkpoint falls back to the one before). One training at a",
    "time writes into DIR (DIR/.lock names it); a copied or moved DIR resumes where it is.",
    "The run is also recorded in the app's store (--home DIR or LORA_STUDIO_HOME), in the project it came from or in",
    "\"Imported runs\", so it appears in the app; --no-store leaves the store alone.",
  ].join("\n"),
  options: {
    model: { type: "string" },
    data: { type: "string", multiple: true },
    "include-unreviewed": { type: "boolean" },
    out: { type: "string" },
    resume: { type: "string" },
    "no-store": { type: "boolean" },
    rank: { type: "string" },
    alpha: { type: "string" },
    dropout: { type: "string" },
    targets: { type: "string" },
    rslora: { type: "boolean" },
    epochs: { type: "string" },
    "max-steps": { type: "string" },
    lr: { type: "string" },
    batch: { type: "string" },
    accum: { type: "string" },
    "seq-len": { type: "string" },
    "val-split": { type: "string" },
    seed: { type: "string" },
    backend: { type: "string" },
    "checkpoint-every": { type: "string" },
    "eval-every": { type: "string" },
    "early-stop-patience": { type: "string" },
    "gradient-checkpointing": { type: "boolean" },
    "quantized-base": { type: "boolean" },
    defaults: { type: "boolean" },
    home: { type: "string" },
  },
  allowPositionals: true,
  async run(args, io) {
    const resumeDir = optionalString(args, "resume");
    // One writer per run folder: a second `train --out X` or `--resume X` while X trains stops here, naming the process.
    let lock: RunFolderLock | undefined;
    try {
      return await trainLocked();
    } finally {
      lock?.release();
    }

    async function trainLocked(): Promise<RunRecord> {
      let record: RunRecord;
      if (resumeDir) {
        await loadRunForResume(resumeDir); // the folder holds a run that can continue (before a lock file is made there)
        lock = await lockRunFolder(resumeDir);
        record = await loadRunForResume(resumeDir);
        if (!record.job.resume) io.log(`no checkpoint was saved in ${record.job.outDir} before it stopped: starting it again from the beginning`);
      } else {
        const model = optionalString(args, "model");
        const out = optionalString(args, "out");
        const data = [...((args.values.data as string[] | undefined) ?? []), ...args.positionals];
        if (!model) throw new UsageError("missing --model (the base model, a .gguf file)");
        if (!out) throw new UsageError("missing --out (the folder the run writes to)");
        if (data.length === 0) throw new UsageError("missing --data (one or more data files)");
        const valSplit = optionalNumber(args, "val-split");
        if (valSplit !== undefined && (valSplit < 0 || valSplit >= 0.9)) throw new UsageError(`--val-split must be between 0 and 0.9, got ${valSplit}`);
        const explicit = explicitSettings(args);
        const request: Omit<TrainRequest, "config"> = {
          modelPath: model,
          dataPaths: data,
          outDir: out,
          ...(valSplit !== undefined ? { valSplit } : {}),
          ...backendOption(args),
          ...(args.values["include-unreviewed"] === true ? { includeUnreviewed: true } : {}),
        };
        lock = await lockRunFolder(out);
        await checkTrainInputs(request, explicit.seqLen);
        let config: TrainConfig;
        if (args.values.defaults === true) {
          config = TrainConfigSchema.parse(explicit);
        } else {
          io.log("choosing settings for this machine, model and data (a short calibration run)...");
          const home = resolveHome(optionalString(args, "home") ? { home: optionalString(args, "home") } : {});
          const { recommendation, config: recommended } = await configForTraining(explicit, {
            modelPath: model,
            dataPaths: data,
            hardwareCacheFile: join(home, "hardware.json"),
            ...(valSplit !== undefined ? { valSplit } : {}),
          });
          const given = new Set(Object.keys(explicit).concat(Object.keys(explicit.lora ?? {})));
          for (const [name, choice] of [["seqLen", recommendation.seqLen], ["batchSize", recommendation.batchSize], ["gradAccum", recommendation.gradAccum], ["rank", recommendation.rank], ["lr", recommendation.lr], ["epochs", recommendation.epochs]] as const) {
            if (!given.has(name)) io.log(`  ${name} ${JSON.stringify(choice.value)}: ${choice.reason.en}`);
          }
          config = recommended;
          // Where a GPU and a CPU backend were both timed, the faster trains the run (recorded in run.json as its
          // backend); --backend overrides it. Otherwise the training process chooses as the probe did.
          if (!request.backend && recommendation.backendTimings.length) {
            request.backend = recommendation.backend.value;
            io.log(`  backend ${recommendation.backend.value}: ${recommendation.backend.reason.en}`);
          }
        }
        record = await prepareTrainingRun({ ...request, config }, io.log);
        io.log(`${record.data.trainExamples} training and ${record.data.validationExamples} validation examples (${record.data.excludedExamples} left out, ${record.data.truncatedExamples} truncated)`);
      }
      let current: RunHandle | undefined;
      const onInterrupt = () => {
        io.log("stopping: saving a checkpoint (Ctrl-C again to kill without one)...");
        process.off("SIGINT", onInterrupt);
        current?.process.cancel();
      };
      process.on("SIGINT", onInterrupt);
      const final = await trainWithStepDown(record, (e) => io.log(describe(e)), {
        onStart: (handle) => (current = handle),
        onStepDown: (reason) => io.log(reason),
      }).finally(() => process.off("SIGINT", onInterrupt));
      if (args.values["no-store"] !== true) await recordInStore(resolveHome(optionalString(args, "home") ? { home: optionalString(args, "home") } : {}), final.job.outDir, io.log);
      if (final.status === "failed" || final.status === "interrupted") throw runError(final.error!);
      return final;
    }
  },
  format: (r) =>
    r.status === "cancelled"
      ? `stopped at step ${r.result?.step}; continue with: lora-studio train --resume ${r.job.outDir}`
      : `done (${r.result?.reason}) after ${r.result?.step} steps: final loss ${r.result?.finalLoss?.toFixed(4)}, best validation loss ${r.result?.bestValLoss?.toFixed(4) ?? "n/a"}\nadapter: ${r.result?.adapterPath}`,
};

/**
 * A CLI run appears in the app: recorded in the store of this home, in its project (run folders the app made name
 * it in project.json) or in "Imported runs". Note: the run is trained and written either way; a store that cannot be
 * opened (locked by a damaged file, say) costs one line, not the run.
 */
async function recordInStore(home: string, outDir: string, log: (line: string) => void): Promise<void> {
  try {
    const db = openStore(storePath(home));
    try {
      await importRunFolders(db, [outDir]);
      log(`recorded in the app's projects (${home})`);
    } finally {
      db.close();
    }
  } catch (error) {
    log(`not recorded in the app's projects (${(error as Error).message}); lora-studio projects import ${outDir} does it later`);
  }
}

/** The run's error as the command's error, keeping its code (WorkerKilled, OutOfMemory, DiskFull...) for --json. */
function runError(error: { code: string; message: string }): Error {
  const e = new Error(error.message);
  e.name = error.code;
  return e;
}

function describe(e: TrainingEvent): string {
  switch (e.type) {
    case "started":
      return `${(e.skippedCheckpoints ?? []).map((s) => `checkpoint of step ${s.step} is damaged (${s.reason}); using the newest whole one\n`).join("")}${e.restartedFromStart ? "no checkpoint to continue from: starting again from step 0\n" : ""}${e.gpuNotice ? `${e.gpuNotice}\n` : ""}training ${e.trainableParameters.toLocaleString("en")} parameters (${e.trainablePercent.toFixed(3)}% of the model) for ${e.totalSteps} steps on ${e.backend}${e.resumedFromStep !== null ? `, resuming at step ${e.resumedFromStep}` : ""}`;
    case "step":
      return `step ${e.step}/${e.totalSteps}  epoch ${e.epoch.toFixed(2)}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toExponential(2)}  ${e.tokensPerSecond.toFixed(0)} tok/s  ETA ${Math.round(e.etaSeconds)} s`;
    case "eval":
      return `  validation loss ${e.valLoss.toFixed(4)}${e.improved ? " (best so far)" : ` (no improvement ${e.evalsWithoutImprovement}x)`}`;
    case "checkpoint":
      return `  checkpoint at step ${e.step} (${e.reason})`;
    case "paused":
      return `paused at step ${e.step}`;
    case "resumed":
      return `resumed at step ${e.step}`;
    case "finished":
      return `finished: ${e.reason} at step ${e.step}`;
    case "failed":
      return `failed at step ${e.step}: ${e.error.message}`;
    default:
      return e satisfies never;
  }
}


function backendOption(args: CommandArgs): { backend?: (typeof BACKENDS)[number] } {
  const backend = optionalChoice(args, "backend", BACKENDS);
  return backend ? { backend } : {};
}

/**
 * Only the settings the user typed, checked: zod checks ranges (on a copy with defaults filled in) and the
 * message names the option. The rest comes from the recommendation or the defaults.
 */
function explicitSettings(args: CommandArgs): ExplicitSettings {
  const n = (name: string) => optionalNumber(args, name);
  const targets = optionalString(args, "targets");
  const flag = (name: string) => (args.values[name] === true ? true : undefined);
  const lora = {
    rank: n("rank"),
    alpha: n("alpha"),
    dropout: n("dropout"),
    rslora: flag("rslora"),
    targets: targets === undefined ? undefined : targets in TARGET_PRESETS ? [...TARGET_PRESETS[targets as keyof typeof TARGET_PRESETS]] : targets.split(",").map((t) => t.trim()),
  };
  const raw = {
    lora: definedOnly(lora),
    epochs: n("epochs"),
    maxSteps: n("max-steps"),
    lr: n("lr"),
    batchSize: n("batch"),
    gradAccum: n("accum"),
    seqLen: n("seq-len"),
    seed: n("seed"),
    checkpointEvery: n("checkpoint-every"),
    evalEvery: n("eval-every"),
    earlyStopPatience: n("early-stop-patience"),
    gradientCheckpointing: flag("gradient-checkpointing"),
    quantizedBase: flag("quantized-base"),
  };
  const explicit = definedOnly(raw) as ExplicitSettings;
  const parsed = TrainConfigSchema.safeParse(explicit, { reportInput: true });
  if (!parsed.success) throw new UsageError(formatConfigError(parsed.error, OPTION_NAMES));
  return explicit;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Config field paths and the options that set them, so errors name what the user typed. */
const OPTION_NAMES: Record<string, string> = {
  "lora.rank": "--rank",
  "lora.alpha": "--alpha",
  "lora.dropout": "--dropout",
  "lora.targets": "--targets",
  epochs: "--epochs",
  maxSteps: "--max-steps",
  lr: "--lr",
  batchSize: "--batch",
  gradAccum: "--accum",
  seqLen: "--seq-len",
  seed: "--seed",
  checkpointEvery: "--checkpoint-every",
  evalEvery: "--eval-every",
  earlyStopPatience: "--early-stop-patience",
};
