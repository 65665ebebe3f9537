import { join } from "node:path";
import { StudioApiError } from "../../contract/ApiError";
import type { Localized, RecommendationView, TrainingMode, TrainSettings } from "../../contract/dto";
import type { Params } from "../../contract/StudioApi";
import { plannedSteps } from "../../engine/training/Trainer";
import type { TfjsBackendName } from "../../../native-deps/tfjsBackend";
import { predictGpuMemory } from "../hardware/predictGpuMemory";
import { predictPeakMemory } from "../hardware/predictPeakMemory";
import { TrainConfigSchema, type TrainConfig } from "../../engine/training/TrainConfig";
import type { Choice } from "../recommend/chooseSettings";
import { recommendTrainConfig, type RecommendDeps, type Recommendation } from "../recommend/recommendTrainConfig";
import { getBaseModel } from "../store/baseModels";
import type { Db } from "../store/openStore";
import { datasetTrainingFiles, datasetValidationShare } from "./datasetTrainingFile";
import { trainSettings } from "./runViews";

export interface RecommendOptions {
  /** Run a few real training steps to measure speed and memory (default true; tests turn it off). */
  calibrate?: boolean;
  /** Injected in tests (e.g. a fixed hardware report). */
  deps?: Partial<RecommendDeps>;
}

export interface ProjectTraining {
  modelId: string;
  datasetId: string;
  modelPath: string;
  /** The stored split's two sides (validation null when the dataset has none). */
  trainPath: string;
  validationPath: string | null;
  valSplit: number;
}

/** The project's chosen model and dataset, as files training can read; a clear error when one is not chosen yet. */
export async function projectTraining(db: Db, home: string, projectId: string): Promise<ProjectTraining> {
  const p = db.prepare("SELECT model_id, dataset_id FROM projects WHERE id = ?").get(projectId) as { model_id: string | null; dataset_id: string | null } | undefined;
  if (!p) throw new StudioApiError("not-found", `no project with id ${projectId}`);
  if (!p.model_id) throw new StudioApiError("invalid-input", "this project has no base model yet; choose one in the Model step first");
  if (!p.dataset_id) throw new StudioApiError("invalid-input", "this project has no dataset yet; import your data in the Data step first");
  const model = getBaseModel(db, p.model_id);
  const files = await datasetTrainingFiles(db, home, p.dataset_id);
  return { modelId: model.id, datasetId: p.dataset_id, modelPath: model.path, ...files, valSplit: datasetValidationShare(db, p.dataset_id) };
}

const MODE_TEXT: Record<TrainingMode, Localized> = {
  quick: { en: "Quick mode: half the passes and a smaller rank, for a first look in a fraction of the time.", zh: "快速模式：训练轮数减半、秩更小，用少量时间先看效果。" },
  balanced: { en: "", zh: "" },
  thorough: { en: "Thorough mode: twice the passes and a larger rank, for the best result when time allows.", zh: "充分模式：训练轮数加倍、秩更大，时间充裕时效果最好。" },
};

/** The recommendation adjusted for the mode: quick halves the epochs and rank, thorough doubles them (alpha follows rank). */
export function applyMode(config: TrainConfig, mode: TrainingMode): TrainConfig {
  if (mode === "balanced") return config;
  const f = mode === "quick" ? 0.5 : 2;
  const rank = Math.min(64, Math.max(4, Math.round(config.lora.rank * f)));
  const epochs = mode === "quick" ? Math.max(1, Math.round(config.epochs * f)) : Math.min(20, config.epochs * f);
  return { ...config, epochs, lora: { ...config.lora, rank, alpha: (config.lora.alpha / config.lora.rank) * rank } };
}

/** A TrainSettings patch (advanced mode) laid over a config; valSplit travels beside the config. */
export function applyOverrides(config: TrainConfig, o: Params<"startRun">["overrides"]): TrainConfig {
  const { rank, alpha, dropout, targets, useRsLora, valSplit: _valSplit, ...rest } = o;
  const lora = { ...config.lora, ...(rank !== undefined ? { rank } : {}), ...(alpha !== undefined ? { alpha } : {}), ...(dropout !== undefined ? { dropout } : {}), ...(targets ? { targets } : {}), ...(useRsLora !== undefined ? { rslora: useRsLora } : {}) };
  return TrainConfigSchema.parse({ ...config, ...rest, lora });
}

/**
 * Recommendations by model and dataset. Note: the mode only adjusts a recommendation afterwards (applyMode), and
 * computing one runs real calibration steps in a child process (seconds to minutes on a real model); so switching
 * modes and then starting the run reuse one, for as long as the machine's free memory can be taken as unchanged.
 */
export class RecommendationCache {
  private readonly entries = new Map<string, { at: number; rec: Promise<Recommendation> }>();
  constructor(private readonly maxAgeMs = 10 * 60_000) {}

  get(key: string, compute: () => Promise<Recommendation>): Promise<Recommendation> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.maxAgeMs) return hit.rec;
    const rec = compute();
    this.entries.set(key, { at: Date.now(), rec });
    rec.catch(() => this.entries.get(key)?.rec === rec && this.entries.delete(key));
    return rec;
  }
}

/** Runs the recommender for the project's model and data (or reuses its recent answer), and adjusts it for the mode. */
export async function recommendForProject(
  db: Db,
  home: string,
  projectId: string,
  mode: TrainingMode,
  options: RecommendOptions,
  cache: RecommendationCache,
  overrides: Params<"startRun">["overrides"] = {},
): Promise<{ view: RecommendationView; config: TrainConfig; training: ProjectTraining; backend?: TfjsBackendName }> {
  const training = await projectTraining(db, home, projectId);
  const rec = await cache.get(`${training.modelId}\u0000${training.datasetId}\u0000${training.valSplit}`, () =>
    recommendTrainConfig({
      modelPath: training.modelPath,
      dataPaths: [training.trainPath, ...(training.validationPath ? [training.validationPath] : [])],
      calibrate: options.calibrate ?? true,
      hardwareCacheFile: join(home, "hardware.json"),
      valSplit: training.valSplit,
      ...(options.deps ? { deps: options.deps } : {}),
    }),
  );
  const config = applyMode(rec.config, mode);
  // Where a GPU and a CPU backend were timed, the run trains on the faster (passed to the training process).
  const backend = rec.backendTimings.length ? rec.backend.value : undefined;
  return { view: recommendationView(rec, config, mode, training.valSplit, applyOverrides(config, overrides)), config, training, ...(backend && { backend }) };
}

/**
 * What the settings as edited predict: steps, peak memory (the fitted model, for the edited sequence, batch, rank and
 * layers) and time (the calibrated tokens per second over the tokens the edited settings train).
 */
function predictionFor(rec: Recommendation, edited: TrainConfig): Pick<RecommendationView, "predicted" | "totalSteps"> {
  const planned = rec.trainExamples !== null ? plannedSteps(edited, rec.trainExamples) : null;
  const memory = { seqLen: edited.seqLen, batchSize: edited.batchSize, rank: edited.lora.rank, targets: edited.lora.targets, gradientCheckpointing: edited.gradientCheckpointing, quantizedBase: edited.quantizedBase };
  // On a GPU the memory that limits is the GPU's: its prediction against its budget, where its size is known.
  const gpu = rec.memory.gpu;
  const onGpu = gpu && gpu.budgetMb !== null ? { peakMb: predictGpuMemory(rec.shape, memory, undefined, rec.backend.value).peakMb, budgetMb: gpu.budgetMb, limit: gpu.source === "unified" ? "unified" : "vram" } : null;
  const peakMemoryMb = onGpu ? onGpu.peakMb : predictPeakMemory(rec.shape, memory, rec.backend.value).peakMb;
  const tps = rec.predicted.tokensPerSecond;
  const perEpoch = tps && rec.data && rec.trainExamples !== null ? Math.round((rec.trainExamples * Math.min(rec.data.tokens.mean + 1, edited.seqLen)) / tps) : null;
  const epochsRun = planned ? planned.totalSteps / planned.stepsPerEpoch : edited.epochs;
  return {
    predicted: {
      peakMemoryMb,
      budgetMb: onGpu ? onGpu.budgetMb : rec.memory.budgetMb,
      memoryLimit: onGpu ? onGpu.limit : rec.memory.limit,
      secondsTotal: perEpoch !== null ? Math.round(perEpoch * epochsRun) : null,
      secondsPerEpoch: perEpoch,
      tokensPerSecond: tps,
    },
    totalSteps: planned?.totalSteps ?? null,
  };
}

function recommendationView(rec: Recommendation, config: TrainConfig, mode: TrainingMode, valSplit: number, edited: TrainConfig): RecommendationView {
  const settings = trainSettings({ ...config, valSplit });
  const reasons: RecommendationView["reasons"] = [];
  const add = (key: keyof TrainSettings | "backend", choice: Choice<unknown>, value: unknown, modeChanged = false) => {
    const reason = modeChanged ? { en: `${MODE_TEXT[mode].en} ${choice.reason.en}`, zh: `${MODE_TEXT[mode].zh}${choice.reason.zh}` } : choice.reason;
    reasons.push({ key, value: typeof value === "string" ? value : JSON.stringify(value), reason });
  };
  add("backend", rec.backend, rec.backend.value);
  add("seqLen", rec.seqLen, config.seqLen);
  add("batchSize", rec.batchSize, config.batchSize);
  add("gradAccum", rec.gradAccum, config.gradAccum);
  add("rank", rec.rank, config.lora.rank, config.lora.rank !== rec.config.lora.rank);
  add("alpha", rec.alpha, config.lora.alpha, config.lora.alpha !== rec.config.lora.alpha);
  add("targets", rec.targets, config.lora.targets);
  add("lr", rec.lr, config.lr);
  add("epochs", rec.epochs, config.epochs, config.epochs !== rec.config.epochs);
  add("gradientCheckpointing", rec.gradientCheckpointing, config.gradientCheckpointing);
  add("quantizedBase", rec.quantizedBase, config.quantizedBase);
  const device = { ...rec.device, decision: rec.backendTimings.length ? rec.backend.reason : null };
  return { mode, settings, reasons, backend: rec.backend.value, device, ...predictionFor(rec, edited), trainExamples: rec.trainExamples };
}
