import type { TrainConfig } from "../../engine/training/TrainConfig";
import { inspectModel } from "../../engine/gguf/inspectModel";
import type { Localized } from "../data/types";
import { measureInChild } from "../hardware/measureInChild";
import { modelShapeOf, type ModelShape } from "../hardware/ModelShape";
import { predictPeakMemory } from "../hardware/predictPeakMemory";
import { probeHardware, type HardwareReport } from "../hardware/probeHardware";
import type { CalibrationOptions, CalibrationResult } from "../hardware/runCalibrationSteps";
import { chooseSettings, MEMORY_SHARE, type Settings } from "./chooseSettings";
import { dataStatsOf, type DataStats } from "./DataStats";
import { stepDown } from "./stepDown";

export interface RecommendRequest {
  modelPath: string;
  dataPaths?: string[];
  /** Run a few real steps to measure speed and check memory (default true). */
  calibrate?: boolean;
  /** Where the hardware probe caches what is slow (e.g. <home>/hardware.json). */
  hardwareCacheFile?: string;
  valSplit?: number;
  /** Injected in tests; default: the real probe, data reader and calibration child process. */
  deps?: Partial<RecommendDeps>;
}

export interface RecommendDeps {
  probe(): Promise<HardwareReport>;
  dataStats(paths: string[], modelPath: string, contextLength: number | null): Promise<DataStats>;
  calibrate(options: CalibrationOptions): Promise<CalibrationResult>;
}

export interface Recommendation extends Settings {
  model: { path: string; architecture: string; parameters: number; sha256: string };
  /** The model's shape, for predicting the memory of other settings (the page's edits). */
  shape: ModelShape;
  data: DataStats | null;
  hardware: { cpu: string; cores: number; ramAvailableMb: number; ramTotalMb: number; gpu: string | null };
  /** The prediction, the calibration's measurement, and the time it implies. */
  predicted: {
    peakMemoryMb: number;
    /** Peak RSS of the calibration steps, when calibrated. */
    measuredPeakMemoryMb: number | null;
    tokensPerSecond: number | null;
    secondsPerEpoch: number | null;
    secondsTotal: number | null;
  };
  calibration: (CalibrationResult & { steps: number }) | null;
  /** Step-downs taken because the calibration measured more than the budget. */
  adjustments: { change: unknown; reason: Localized }[];
}

const CALIBRATION_STEPS = 2;

/**
 * What `lora-studio train` trains when given no explicit settings: the settings for this machine, model and data
 * with reasons, the predicted peak memory, and time per epoch from a short calibration run of real steps. If the
 * calibration measures more than the budget, the settings step down (stepDown) and calibrate again.
 */
export async function recommendTrainConfig(request: RecommendRequest): Promise<Recommendation> {
  const deps: RecommendDeps = {
    probe: () => probeHardware(request.hardwareCacheFile ? { cacheFile: request.hardwareCacheFile } : {}),
    dataStats: dataStatsOf,
    calibrate: (o) => measureInChild(o),
    ...request.deps,
  };
  const inspection = await inspectModel(request.modelPath);
  const shape = modelShapeOf(inspection);
  const [hardware, data] = await Promise.all([deps.probe(), request.dataPaths?.length ? deps.dataStats(request.dataPaths, request.modelPath, inspection.contextLength) : Promise.resolve(null)]);
  const settings = chooseSettings({ hardware, model: shape, ...(data ? { data } : {}), ...(request.valSplit !== undefined ? { valSplit: request.valSplit } : {}) });

  let config: TrainConfig = settings.config;
  let calibration: CalibrationResult | null = null;
  const adjustments: Recommendation["adjustments"] = [];
  if (request.calibrate !== false) {
    for (let attempt = 0; ; attempt++) {
      calibration = await deps.calibrate(calibrationOptions(request.modelPath, config, settings.backend.value));
      if (calibration.peakRssMb <= settings.memory.budgetMb) break;
      const next = stepDown(config, attempt);
      if (!next) break;
      adjustments.push({ change: next.change, reason: measuredOver(calibration.peakRssMb, settings.memory.budgetMb, next.reason) });
      config = next.config;
    }
  }
  const final: Settings = adjustments.length ? withConfig(settings, config) : settings;
  if (adjustments.length) {
    const quantizedBase = (config as TrainConfig & { quantizedBase?: boolean }).quantizedBase ?? false;
    const prediction = predictPeakMemory(shape, { seqLen: config.seqLen, batchSize: config.batchSize, rank: config.lora.rank, targets: config.lora.targets, gradientCheckpointing: config.gradientCheckpointing, quantizedBase }, settings.backend.value);
    final.memory = { ...final.memory, prediction };
  }
  const tokensPerEpoch = data && final.trainExamples !== null ? final.trainExamples * Math.min(data.tokens.mean + 1, config.seqLen) : null;
  const secondsPerEpoch = calibration && tokensPerEpoch !== null ? Math.round(tokensPerEpoch / calibration.tokensPerSecond) : null;
  const gpu = hardware.llamaCpp.devices[0] ?? hardware.gpus[0]?.model ?? null;
  return {
    ...final,
    model: { path: inspection.path, architecture: inspection.architecture, parameters: inspection.parameters, sha256: inspection.sha256 },
    shape,
    data,
    hardware: { cpu: hardware.cpu.model, cores: hardware.cpu.physicalCores, ramAvailableMb: hardware.memory.availableMb, ramTotalMb: hardware.memory.totalMb, gpu },
    predicted: {
      peakMemoryMb: final.memory.prediction.peakMb,
      measuredPeakMemoryMb: calibration?.peakRssMb ?? null,
      tokensPerSecond: calibration?.tokensPerSecond ?? null,
      secondsPerEpoch,
      secondsTotal: secondsPerEpoch !== null ? Math.round(secondsPerEpoch * config.epochs) : null,
    },
    calibration: calibration ? { ...calibration, steps: CALIBRATION_STEPS } : null,
    adjustments,
  };
}

function calibrationOptions(modelPath: string, c: TrainConfig, backend: Settings["backend"]["value"]): CalibrationOptions {
  const quantizedBase = (c as TrainConfig & { quantizedBase?: boolean }).quantizedBase ?? false;
  return { modelPath, seqLen: c.seqLen, batchSize: c.batchSize, rank: c.lora.rank, targets: c.lora.targets, gradientCheckpointing: c.gradientCheckpointing, quantizedBase, steps: CALIBRATION_STEPS, backend };
}

function measuredOver(measured: number, budget: number, reason: Localized): Localized {
  return {
    en: `The calibration run measured ${measured} MB, over the ${budget} MB budget (${Math.round(MEMORY_SHARE * 100)}% of available memory). ${reason.en}`,
    zh: `校准运行实测 ${measured} MB，超过 ${budget} MB 预算（可用内存的 ${Math.round(MEMORY_SHARE * 100)}%）。${reason.zh}`,
  };
}

/** The settings with the stepped-down config's values (reasons of changed fields say they were stepped down). */
function withConfig(s: Settings, c: TrainConfig): Settings {
  const stepped: Localized = { en: "Stepped down after the calibration run measured too much memory (see adjustments).", zh: "校准运行实测内存过高，已下调（见调整记录）。" };
  const pick = <T>(choice: Settings[keyof Settings] & { value: T; reason: Localized }, value: T) => (choice.value === value ? choice : { value, reason: stepped });
  return {
    ...s,
    batchSize: pick(s.batchSize, c.batchSize),
    gradAccum: pick(s.gradAccum, c.gradAccum),
    seqLen: pick(s.seqLen, c.seqLen),
    gradientCheckpointing: pick(s.gradientCheckpointing, c.gradientCheckpointing),
    config: c,
  };
}
