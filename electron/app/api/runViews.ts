import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Localized, MetricPoint, RunView, TrainSettings } from "../../contract/dto";
import { TrainConfigSchema, type TrainConfig } from "../../engine/training/TrainConfig";
import type { Db } from "../store/openStore";
import { listMetrics, type Run } from "../store/runs";
import type { LiveRun } from "../training/RunSupervisor";
import type { RunRecord } from "../training/RunRecord";

/** What the runs table keeps in config_json: the TrainConfig trained, and the app's choices beside it. */
export type StoredRunConfig = TrainConfig & { valSplit?: number; mode?: string };

export function trainSettings(c: StoredRunConfig): TrainSettings {
  const config = TrainConfigSchema.parse(c);
  return {
    rank: config.lora.rank,
    alpha: config.lora.alpha,
    dropout: config.lora.dropout,
    targets: config.lora.targets,
    useRsLora: config.lora.rslora,
    lr: config.lr,
    schedule: config.schedule,
    warmupRatio: config.warmupRatio,
    weightDecay: config.weightDecay,
    maxGradNorm: config.maxGradNorm,
    batchSize: config.batchSize,
    gradAccum: config.gradAccum,
    seqLen: config.seqLen,
    epochs: config.epochs,
    maxSteps: config.maxSteps,
    evalEvery: config.evalEvery,
    earlyStopPatience: config.earlyStopPatience,
    checkpointEvery: config.checkpointEvery,
    gradientCheckpointing: config.gradientCheckpointing,
    quantizedBase: config.quantizedBase,
    seed: config.seed,
    valSplit: c.valSplit ?? 0.1,
  };
}

/** A run as the UI shows it: the stored row, what the supervisor knows live, and run.json's step-downs. */
export function runView(run: Run, live: LiveRun | null): RunView {
  const record = readRecord(run.outDir);
  const result = run.result as { reason?: RunView["finishReason"]; bestValLoss?: number | null } | null;
  return {
    id: run.id,
    projectId: run.projectId ?? "",
    modelId: run.baseModelId,
    datasetId: run.datasetId,
    status: live ? live.status : run.status,
    step: run.step,
    totalSteps: run.totalSteps,
    etaSeconds: live?.status === "running" ? live.etaSeconds : null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: live ? null : run.endedAt,
    settings: trainSettings(run.config as StoredRunConfig),
    backend: run.backend,
    outDir: run.outDir,
    finishReason: result?.reason ?? null,
    bestValLoss: result?.bestValLoss ?? null,
    error: run.error && !live ? { ...run.error, hint: hintFor(run.error) } : null,
    adjustments: (record?.stepDowns ?? []).map((s) => ({ change: `${s.change.field}: ${s.change.from} → ${s.change.to}`, reason: s.reason.en })),
  };
}

export function metricPoints(db: Db, runId: string): MetricPoint[] {
  return listMetrics(db, runId).map((m) => ({ step: m.step, epoch: m.epoch, loss: m.loss, valLoss: m.valLoss, lr: m.lr, gradNorm: m.gradNorm, tokensPerSecond: m.tokensPerSecond, peakRssMb: m.peakRssMb, adapterNorm: m.adapterNorm }));
}

/** What to try after a failure, by its kind. */
export function hintFor(error: { code: string; message: string; resumable: boolean }): Localized {
  // A kill from outside (WorkerKilled: the system's OOM count did not move, or could not be read) is not called memory.
  if (error.code !== "WorkerKilled" && /memory|OOM|SIGKILL/i.test(`${error.code} ${error.message}`)) {
    return { en: "The computer ran out of memory. Close other programs, or start again in Quick mode (shorter sequences, a smaller batch).", zh: "内存不足。请关闭其他程序，或以“快速”模式重新开始（更短的序列、更小的批次）。" };
  }
  if (error.code === "DiskFull" || error.code === "CheckpointWriteError") {
    return { en: "The disk is full. Free some space, then press Resume to continue from the last checkpoint.", zh: "磁盘空间已满。请先释放一些空间，再点击“继续”从最近的检查点接着训练。" };
  }
  if (error.code === "RunFolderBusy") return { en: "Another program is training into this run's folder. Wait for it to end, or stop it, then press Resume.", zh: "另一个程序正在向此训练的文件夹写入。请等待其结束或将其停止，然后点击“继续”。" };
  if (error.resumable) return { en: "A checkpoint was saved: press Resume to continue from it.", zh: "已保存检查点：点击“继续”即可从该处接着训练。" };
  if (["WorkerDied", "WorkerKilled", "Stopped", "AppClosed"].includes(error.code)) {
    return { en: "Training stopped before its first checkpoint: Resume starts it again from the beginning.", zh: "训练在保存第一个检查点之前就已停止：点击“继续”将从头开始重新训练。" };
  }
  if (error.code === "TrainInputError") return { en: "Fix the model or data named in the message, then start a new run.", zh: "请按提示修正模型或数据，然后重新开始训练。" };
  return { en: "Start a new run; if it fails again, run `lora-studio doctor` and include its output in a report.", zh: "请重新开始训练；若仍失败，请运行 `lora-studio doctor` 并附上输出报告问题。" };
}

function readRecord(outDir: string): RunRecord | null {
  const path = join(outDir, "run.json");
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as RunRecord;
  } catch {
    return null; // being rewritten (atomically; a rare read race) or damaged: the view goes without step-downs
  }
}
