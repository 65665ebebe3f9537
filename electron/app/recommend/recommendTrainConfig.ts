import type { TrainConfig } from "../../engine/training/TrainConfig";
import { inspectModel } from "../../engine/gguf/inspectModel";
import type { Localized } from "../data/types";
import { measureInChild } from "../hardware/measureInChild";
import { modelShapeOf, type ModelShape } from "../hardware/ModelShape";
import { predictGpuMemory } from "../hardware/predictGpuMemory";
import { predictPeakMemory } from "../hardware/predictPeakMemory";
import { cpuCandidates, gpuNameOf } from "../hardware/trainingDevice";
import type { TfjsBackendName } from "../../../native-deps/tfjsBackend";
import { chooseFasterBackend, isGpuBackend, type BackendTiming } from "./chooseFasterBackend";
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
  /** The device that trains, in words: the GPU's name, or the CPU's. */
  device: { kind: "gpu" | "cpu"; name: string };
  /** Where a GPU and a CPU backend both load: each one's test step (GPU first), from which the faster was chosen. */
  backendTimings: BackendTiming[];
  /** The prediction, the calibration's measurement, and the time it implies. */
  predicted: {
    peakMemoryMb: number;
    /** Peak RSS of the calibration steps, when calibrated. */
    measuredPeakMemoryMb: number | null;
    /** On a GPU backend: the GPU memory predicted (predictGpuMemory), and what the calibration allocated there. */
    gpuMemoryMb: number | null;
    measuredGpuMemoryMb: number | null;
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
  const settingsFor = (backend?: TfjsBackendName) => chooseSettings({ hardware, model: shape, ...(data ? { data } : {}), ...(request.valSplit !== undefined ? { valSplit: request.valSplit } : {}), ...(backend ? { backend } : {}) });
  const firstChoice = hardware.tfjs.chosen ?? "cpu";

  let trial: Trial;
  const backendTimings: BackendTiming[] = [];
  if (request.calibrate !== false && isGpuBackend(firstChoice)) {
    // A GPU backend and a CPU backend both load: a test step on each decides (a weak integrated GPU can lose to a fast CPU).
    const gpu = await tryTrial(() => settingsFor(firstChoice), request.modelPath, deps);
    let cpu: Trial | Error = new Error("no CPU backend loads");
    let cpuBackend: TfjsBackendName = "wasm";
    for (const candidate of cpuCandidates(hardware)) {
      cpuBackend = candidate;
      cpu = await tryTrial(() => settingsFor(candidate), request.modelPath, deps);
      if (!(cpu instanceof Error) || !/could not load|not installed/.test(cpu.message)) break;
    }
    const timing = (t: Trial | Error, backend: TfjsBackendName): BackendTiming =>
      t instanceof Error ? { backend, tokensPerSecond: null, secondsPerStep: null, error: t.message.split("\n")[0]!.slice(0, 300) } : { backend, tokensPerSecond: t.calibration!.tokensPerSecond, secondsPerStep: t.calibration!.secondsPerStep };
    backendTimings.push(timing(gpu, firstChoice), timing(cpu, cpuBackend));
    const decision = chooseFasterBackend(backendTimings[0]!, backendTimings[1]!, gpuNameOf(hardware, firstChoice));
    const picked = decision.value === firstChoice ? gpu : cpu;
    if (picked instanceof Error) throw picked; // neither ran: the CPU's error says why
    trial = { ...picked, settings: { ...picked.settings, backend: { value: decision.value, reason: decision.reason } } };
  } else {
    const settings = settingsFor();
    trial = request.calibrate !== false ? await runTrial(settings, request.modelPath, deps) : { settings, config: settings.config, calibration: null, adjustments: [] };
  }

  const { settings, config, calibration, adjustments } = trial;
  const final: Settings = adjustments.length ? withConfig(settings, config) : settings;
  if (adjustments.length) {
    const quantizedBase = (config as TrainConfig & { quantizedBase?: boolean }).quantizedBase ?? false;
    const memorySettings = { seqLen: config.seqLen, batchSize: config.batchSize, rank: config.lora.rank, targets: config.lora.targets, gradientCheckpointing: config.gradientCheckpointing, quantizedBase };
    const prediction = predictPeakMemory(shape, memorySettings, settings.backend.value);
    final.memory = { ...final.memory, prediction, ...(final.memory.gpu && { gpu: { ...final.memory.gpu, prediction: predictGpuMemory(shape, memorySettings, hardware.tfjs.adapter, settings.backend.value) } }) };
  }
  const tokensPerEpoch = data && final.trainExamples !== null ? final.trainExamples * Math.min(data.tokens.mean + 1, config.seqLen) : null;
  const secondsPerEpoch = calibration && tokensPerEpoch !== null ? Math.round(tokensPerEpoch / calibration.tokensPerSecond) : null;
  const gpu = hardware.llamaCpp.devices[0] ?? hardware.gpus[0]?.model ?? null;
  const onGpu = isGpuBackend(final.backend.value);
  return {
    ...final,
    model: { path: inspection.path, architecture: inspection.architecture, parameters: inspection.parameters, sha256: inspection.sha256 },
    shape,
    data,
    hardware: { cpu: hardware.cpu.model, cores: hardware.cpu.physicalCores, ramAvailableMb: hardware.memory.availableMb, ramTotalMb: hardware.memory.totalMb, gpu },
    device: onGpu ? { kind: "gpu", name: gpuNameOf(hardware, final.backend.value) } : { kind: "cpu", name: hardware.cpu.model },
    backendTimings,
    predicted: {
      peakMemoryMb: final.memory.prediction.peakMb,
      measuredPeakMemoryMb: calibration?.peakRssMb ?? null,
      gpuMemoryMb: final.memory.gpu?.prediction.peakMb ?? null,
      measuredGpuMemoryMb: calibration?.gpu?.peakMb ?? null,
      tokensPerSecond: calibration?.tokensPerSecond ?? null,
      secondsPerEpoch,
      secondsTotal: secondsPerEpoch !== null ? Math.round(secondsPerEpoch * config.epochs) : null,
    },
    calibration: calibration ? { ...calibration, steps: CALIBRATION_STEPS } : null,
    adjustments,
  };
}

/** The settings for one backend, calibrated and stepped down until the measured memory fits its budget. */
interface Trial {
  settings: Settings;
  config: TrainConfig;
  calibration: CalibrationResult | null;
  adjustments: Recommendation["adjustments"];
}

async function runTrial(settings: Settings, modelPath: string, deps: RecommendDeps): Promise<Trial> {
  let config = settings.config;
  const adjustments: Recommendation["adjustments"] = [];
  for (let attempt = 0; ; attempt++) {
    const calibration = await deps.calibrate(calibrationOptions(modelPath, config, settings.backend.value));
    const over = measuredOverBudget(calibration, settings);
    if (!over) return { settings, config, calibration, adjustments };
    const next = stepDown(config, attempt);
    if (!next) return { settings, config, calibration, adjustments };
    adjustments.push({ change: next.change, reason: measuredOver(over, next.reason) });
    config = next.config;
  }
}

/** runTrial, with a failure (no fitting settings, a backend that does not load, a crash) as its value. */
async function tryTrial(settings: () => Settings, modelPath: string, deps: RecommendDeps): Promise<Trial | Error> {
  try {
    return await runTrial(settings(), modelPath, deps);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

interface Over {
  measured: number;
  budget: number;
  /** What the budget is a share of. */
  of: Localized;
}

/** Whether the calibration measured more than the budget: RAM (peak RSS), or on a GPU its memory too. */
function measuredOverBudget(c: CalibrationResult, s: Settings): Over | null {
  const pct = Math.round(MEMORY_SHARE * 100);
  if (c.gpu && s.memory.gpu?.budgetMb != null && c.gpu.peakMb > s.memory.gpu.budgetMb) {
    const unified = s.memory.gpu.source === "unified";
    return {
      measured: Math.round(c.gpu.peakMb),
      budget: s.memory.gpu.budgetMb,
      of: unified ? { en: `${pct}% of the share of RAM the GPU may use`, zh: `GPU 可用内存份额的 ${pct}%` } : { en: `${pct}% of the GPU's memory`, zh: `显存的 ${pct}%` },
    };
  }
  if (c.peakRssMb > s.memory.budgetMb) return { measured: c.peakRssMb, budget: s.memory.budgetMb, of: { en: `${pct}% of available memory`, zh: `可用内存的 ${pct}%` } };
  return null;
}

function calibrationOptions(modelPath: string, c: TrainConfig, backend: Settings["backend"]["value"]): CalibrationOptions {
  const quantizedBase = (c as TrainConfig & { quantizedBase?: boolean }).quantizedBase ?? false;
  return { modelPath, seqLen: c.seqLen, batchSize: c.batchSize, rank: c.lora.rank, targets: c.lora.targets, gradientCheckpointing: c.gradientCheckpointing, quantizedBase, steps: CALIBRATION_STEPS, backend };
}

function measuredOver(o: Over, reason: Localized): Localized {
  return {
    en: `The calibration run measured ${o.measured} MB, over the ${o.budget} MB budget (${o.of.en}). ${reason.en}`,
    zh: `校准运行实测 ${o.measured} MB，超过 ${o.budget} MB 预算（${o.of.zh}）。${reason.zh}`,
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
