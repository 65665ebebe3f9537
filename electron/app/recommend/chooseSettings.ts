import { TARGET_PRESETS } from "../../engine/lora/LoraConfig";
import type { Projection } from "../../engine/model/ModelWeights";
import { plannedSteps } from "../../engine/training/Trainer";
import { TrainConfigSchema, type TrainConfig } from "../../engine/training/TrainConfig";
import type { TfjsBackendName } from "../../../native-deps/tfjsBackend";
import type { Localized } from "../data/types";
import type { HardwareReport } from "../hardware/probeHardware";
import type { ModelShape } from "../hardware/ModelShape";
import type { MemorySettings } from "../hardware/memoryFeatures";
import { logitsRowsOn, predictGpuMemory, type GpuMemoryPrediction } from "../hardware/predictGpuMemory";
import { predictPeakMemory, WASM_HEAP_CAP_MB, type MemoryPrediction } from "../hardware/predictPeakMemory";
import { gpuMemoryOf } from "../hardware/trainingDevice";
import type { DataStats } from "./DataStats";

/** Never propose a configuration predicted above this share of the memory available. */
export const MEMORY_SHARE = 0.85;
const DEFAULT_SEQ = 512;
const MIN_SEQ = 64;

export interface Choice<T> {
  value: T;
  reason: Localized;
}

export interface SettingsInput {
  hardware: Pick<HardwareReport, "memory" | "tfjs" | "llamaCpp" | "gpus"> & Partial<Pick<HardwareReport, "os">>;
  model: ModelShape;
  data?: DataStats;
  /** Share held out for validation (prepareTrainingRun's default 0.1). */
  valSplit?: number;
  /** Settings for this backend rather than the one the probe chose (the recommender times a GPU and a CPU backend). */
  backend?: TfjsBackendName;
}

export interface Settings {
  backend: Choice<TfjsBackendName>;
  seqLen: Choice<number>;
  batchSize: Choice<number>;
  gradAccum: Choice<number>;
  rank: Choice<number>;
  alpha: Choice<number>;
  targets: Choice<Projection[]>;
  lr: Choice<number>;
  epochs: Choice<number>;
  gradientCheckpointing: Choice<boolean>;
  quantizedBase: Choice<boolean>;
  memory: {
    prediction: MemoryPrediction;
    /** What limits memory: RAM, a GPU's VRAM, or the wasm heap's 4 GB cap. */
    limit: "ram" | "vram" | "wasm-heap";
    availableMb: number;
    /** MEMORY_SHARE of what is available: the most any proposal may be predicted to use. */
    budgetMb: number;
    /**
     * On a GPU backend: what the engine allocates on the GPU (predictGpuMemory) against the GPU's memory (free VRAM,
     * or on Apple Silicon a share of RAM), where known; the adapter's buffer limits are checked in the prediction.
     */
    gpu?: { prediction: GpuMemoryPrediction; source: "vram" | "unified" | "unknown"; availableMb: number | null; budgetMb: number | null };
  };
  trainExamples: number | null;
  stepsPerEpoch: number | null;
  totalSteps: number | null;
  config: TrainConfig;
}

export class NoFittingConfigError extends Error {
  override name = "NoFittingConfigError";
}

const roundUp16 = (n: number) => Math.ceil(n / 16) * 16;
const supportsQuantizedBase = "quantizedBase" in TrainConfigSchema.shape;

/**
 * The training settings for this machine, model and data, each with its reason in English and Chinese. Pure: the
 * hardware comes in as a report. The memory model decides what fits; nothing predicted above 85% of the available
 * memory (and, on wasm, of the 4 GB heap) is proposed. What fits is searched in order of what matters most to keep:
 * the sequence length, then the adapted projections, then speed (no checkpointing, larger batches).
 */
export function chooseSettings(input: SettingsInput): Settings {
  const { hardware: hw, model, data } = input;
  const backend = chooseBackend(hw, input.backend);
  const gpu = gpuBackend(backend.value);
  // On a GPU the tensors live in its memory: RAM then holds the runtime and the weights read from the file.
  const gpuMemory = gpu ? gpuMemoryOf({ os: hw.os ?? "", ...hw }) : null;
  const availableMb = hw.memory.availableMb;
  const limit: Settings["memory"]["limit"] = "ram";
  const budgetMb = Math.floor(availableMb * MEMORY_SHARE);
  const gpuBudgetMb = gpuMemory ? Math.floor(gpuMemory.availableMb * MEMORY_SHARE) : Infinity;
  const adapter = backend.value === "webgpu" ? hw.tfjs.adapter : undefined;
  const wasmBudget = Math.floor(WASM_HEAP_CAP_MB * MEMORY_SHARE);

  const trainExamples = data ? Math.max(1, Math.floor(data.examples * (1 - (input.valSplit ?? 0.1)))) : null;
  const context = model.contextLength ?? 32768;
  const wanted = data ? Math.min(context, Math.max(MIN_SEQ, roundUp16(data.tokens.p95))) : Math.min(context, DEFAULT_SEQ);
  const few = trainExamples !== null && trainExamples < 200;
  const rank = few ? 8 : 16;
  const effective = Math.max(1, Math.min(few ? 8 : 16, trainExamples ?? 16));
  const batches = (gpu ? [16, 8, 4, 2, 1] : [4, 2, 1]).filter((b) => b <= effective && effective % b === 0);
  const targetSets: [keyof typeof TARGET_PRESETS, number][] = [["all", rank], ["attention", rank], ["qv", rank], ["qv", 4]];
  const quantizedChoices = supportsQuantizedBase && model.storedBytes < model.parameters * 3 ? [false, true] : [false];

  for (let seqLen = wanted; seqLen >= Math.min(MIN_SEQ, wanted); seqLen = seqLen > MIN_SEQ ? Math.max(MIN_SEQ, roundUp16(seqLen / 2)) : 0) {
    for (const [targetSet, r] of targetSets) {
      for (const quantizedBase of quantizedChoices) {
        for (const gradientCheckpointing of [false, true]) {
          for (const batchSize of batches) {
            const targets = [...TARGET_PRESETS[targetSet]] as Projection[];
            const memorySettings = { seqLen, batchSize, rank: r, targets, gradientCheckpointing, quantizedBase };
            const prediction = hostPrediction(model, memorySettings, backend.value);
            const wasmOk = backend.value !== "wasm" || prediction.tensorsMb <= wasmBudget;
            if (prediction.peakMb > budgetMb || !wasmOk) continue;
            const onGpu = gpu ? predictGpuMemory(model, memorySettings, adapter, backend.value) : null;
            if (onGpu && (onGpu.peakMb > gpuBudgetMb || !onGpu.withinBufferLimits)) continue;
            const wasmLimited = backend.value === "wasm" && wasmBudget < budgetMb;
            const memory: Settings["memory"] = {
              prediction,
              limit: wasmLimited ? ("wasm-heap" as const) : limit,
              availableMb: wasmLimited ? WASM_HEAP_CAP_MB : availableMb,
              budgetMb: wasmLimited ? wasmBudget : budgetMb,
              ...(onGpu && { gpu: { prediction: onGpu, source: gpuMemory?.source ?? "unknown", availableMb: gpuMemory?.availableMb ?? null, budgetMb: gpuMemory ? gpuBudgetMb : null } }),
            };
            return assemble({ input, backend, seqLen, wanted, batchSize, effective, rank: r, targetSet, targets, gradientCheckpointing, quantizedBase, memory, trainExamples, batches });
          }
        }
      }
    }
    if (seqLen === MIN_SEQ || wanted < MIN_SEQ) break;
  }
  const smallestSettings = { seqLen: Math.min(MIN_SEQ, wanted), batchSize: 1, rank: 4, targets: ["q", "v"] as Projection[], gradientCheckpointing: true, quantizedBase: quantizedChoices.includes(true) };
  const smallestOnGpu = gpu ? predictGpuMemory(model, smallestSettings, adapter, backend.value) : null;
  if (smallestOnGpu && (smallestOnGpu.peakMb > gpuBudgetMb || !smallestOnGpu.withinBufferLimits) && hostPrediction(model, smallestSettings, backend.value).peakMb <= budgetMb) {
    throw new NoFittingConfigError(
      smallestOnGpu.withinBufferLimits
        ? `even the smallest setting (sequence ${smallestSettings.seqLen}, batch 1, rank 4 on q and v, gradient checkpointing) is predicted at ${smallestOnGpu.peakMb} MB of GPU memory, more than ${Math.round(MEMORY_SHARE * 100)}% of the GPU's ${gpuMemory!.availableMb} MB; train on the CPU (LORA_STUDIO_BACKEND=wasm) or choose a smaller model`
        : `even the smallest setting needs a ${smallestOnGpu.largestBufferMb} MB buffer (the logits of ${smallestSettings.seqLen} tokens over ${logitsRowsOn(backend.value, model.vocab)} vocabulary entries), more than this GPU's ${smallestOnGpu.bufferLimitMb} MB limit per buffer; train on the CPU (LORA_STUDIO_BACKEND=wasm) or choose a model with a smaller vocabulary`,
    );
  }
  const smallest = predictPeakMemory(model, smallestSettings, backend.value);
  const wasmBound = backend.value === "wasm" && smallest.tensorsMb > wasmBudget && smallest.peakMb <= budgetMb;
  const f32Base = model.storedBytes >= model.parameters * 3;
  throw new NoFittingConfigError(
    `even the smallest setting (sequence ${Math.min(MIN_SEQ, wanted)}, batch 1, rank 4 on q and v, gradient checkpointing) is predicted at ${smallest.peakMb} MB` +
      (wasmBound
        ? ` with ${smallest.tensorsMb} MB of tensors, more than ${Math.round(MEMORY_SHARE * 100)}% of the wasm backend's ${WASM_HEAP_CAP_MB} MB heap; ${f32Base && supportsQuantizedBase ? "use a quantized GGUF of this model (Q8_0 or Q4_K: its weights then stay quantized), " : ""}install the native TensorFlow backend (tfjs-node), or choose a smaller model`
        : `, more than ${Math.round(MEMORY_SHARE * 100)}% of the ${availableMb} MB available; close other programs or choose a smaller model`),
  );
}

const gpuBackend = (name: TfjsBackendName) => name === "tensorflow-gpu" || name === "webgpu";

/** The RSS model; on a GPU backend the host keeps the runtime and the weights as read, the tensors live on the GPU. */
function hostPrediction(model: ModelShape, s: MemorySettings, backend: TfjsBackendName): MemoryPrediction {
  const p = predictPeakMemory(model, s, backend);
  if (!gpuBackend(backend)) return p;
  const parts = { ...p.parts, linear: 0, attention: 0, logits: 0, loraActivations: 0, adapter: 0 };
  return { peakMb: parts.runtime + parts.weights, tensorsMb: parts.weights, parts, withinWasmCap: true };
}

function chooseBackend(hw: SettingsInput["hardware"], forced?: TfjsBackendName): Choice<TfjsBackendName> {
  const chosen = forced ?? hw.tfjs.chosen ?? "cpu";
  const others = hw.tfjs.backends.filter((b) => !b.ok && b.name !== chosen).map((b) => b.name);
  const why: Record<TfjsBackendName, Localized> = {
    "tensorflow-gpu": { en: "TensorFlow with the GPU loaded: training runs on the graphics card.", zh: "已加载 GPU 版 TensorFlow：在显卡上训练。" },
    webgpu: { en: "WebGPU on this computer's graphics card: training runs on the GPU.", zh: "使用本机显卡的 WebGPU：在 GPU 上训练。" },
    tensorflow: { en: "Native TensorFlow loaded: the fastest way to train on this CPU.", zh: "已加载原生 TensorFlow：这是本机 CPU 上最快的训练方式。" },
    wasm: {
      en: `WebAssembly is the fastest backend that loads here${others.length ? ` (${others.join(", ")} did not load)` : ""}; it trains on the CPU with up to 4 GB of tensors.`,
      zh: `WebAssembly 是本机能加载的最快后端${others.length ? `（${others.join("、")} 无法加载）` : ""}；在 CPU 上训练，张量最多 4 GB。`,
    },
    cpu: { en: "Only the plain JavaScript backend loads here: it works, but slowly.", zh: "本机只能加载纯 JavaScript 后端：可以训练，但较慢。" },
  };
  return { value: chosen, reason: why[chosen] };
}

interface Picked {
  input: SettingsInput;
  backend: Choice<TfjsBackendName>;
  seqLen: number;
  wanted: number;
  batchSize: number;
  effective: number;
  rank: number;
  targetSet: keyof typeof TARGET_PRESETS;
  targets: Projection[];
  gradientCheckpointing: boolean;
  quantizedBase: boolean;
  memory: Settings["memory"];
  trainExamples: number | null;
  batches: number[];
}

function assemble(p: Picked): Settings {
  const { data } = p.input;
  const mb = p.memory.prediction.peakMb;
  const pct = Math.round(MEMORY_SHARE * 100);
  const heap = p.memory.limit === "wasm-heap";
  const where = p.memory.limit === "vram" ? "free VRAM" : "available RAM";
  const whereZh = p.memory.limit === "vram" ? "空闲显存" : "可用内存";
  const g = p.memory.gpu;
  const gpuOf = g && g.budgetMb !== null ? (g.source === "unified" ? { en: "of the share of RAM the GPU may use", zh: "GPU 可用内存份额" } : { en: "of the GPU's", zh: "显存" }) : null;
  const budget = g && gpuOf
    ? `${g.prediction.peakMb} MB of GPU memory, within ${g.budgetMb} MB (${pct}% ${gpuOf.en} ${g.availableMb} MB)`
    : heap
    ? `${p.memory.prediction.tensorsMb} MB of tensors, within ${p.memory.budgetMb} MB (${pct}% of the wasm backend's ${p.memory.availableMb} MB heap); ${mb} MB in all`
    : `${mb} MB, within ${p.memory.budgetMb} MB (${pct}% of ${p.memory.availableMb} MB ${where})`;
  const budgetZh = g && gpuOf
    ? `GPU 显存 ${g.prediction.peakMb} MB，不超过 ${g.budgetMb} MB（${gpuOf.zh} ${g.availableMb} MB 的 ${pct}%）`
    : heap
    ? `张量 ${p.memory.prediction.tensorsMb} MB，不超过 ${p.memory.budgetMb} MB（wasm 后端 ${p.memory.availableMb} MB 堆的 ${pct}%）；总计 ${mb} MB`
    : `${mb} MB，不超过 ${p.memory.budgetMb} MB（${whereZh} ${p.memory.availableMb} MB 的 ${pct}%）`;
  const seqReason: Localized = p.seqLen < p.wanted
    ? { en: `${p.seqLen} tokens: the ${p.wanted} that would cover 95% of the examples does not fit in memory; longer examples will be cut.`, zh: `${p.seqLen} 个词元：覆盖 95% 样本所需的 ${p.wanted} 放不进内存，更长的样本将被截断。` }
    : data
      ? { en: `${p.seqLen} tokens covers 95% of your examples (95th percentile ${data.tokens.p95}, longest ${data.tokens.max}).`, zh: `${p.seqLen} 个词元可覆盖 95% 的样本（第 95 百分位 ${data.tokens.p95}，最长 ${data.tokens.max}）。` }
      : { en: `${p.seqLen} tokens, a common default; give your data to size it to your examples.`, zh: `${p.seqLen} 个词元，常用默认值；提供数据后可按样本长度确定。` };
  const gradAccum = p.effective / p.batchSize;
  const batchReason: Localized = p.batchSize === p.batches[0]
    ? { en: `${p.batchSize} sequences per pass, the most that helps on this ${gpuBackend(p.backend.value) ? "GPU" : "CPU"} for an effective batch of ${p.effective}; predicted peak ${budget}.`, zh: `每次前向 ${p.batchSize} 条序列，在有效批大小 ${p.effective} 下对本机${gpuBackend(p.backend.value) ? " GPU" : " CPU"}最有利；预计峰值 ${budgetZh}。` }
    : { en: `${p.batchSize} sequences per pass: a larger batch would not fit in memory; predicted peak ${budget}.`, zh: `每次前向 ${p.batchSize} 条序列：更大的批放不进内存；预计峰值 ${budgetZh}。` };
  const accumReason: Localized = {
    en: `${gradAccum} micro-batches per update gives an effective batch of ${p.effective}${p.effective < 8 ? ` (only ${p.trainExamples} training examples)` : ", in the 8 to 16 range that fine-tuning recipes converge on"}.`,
    zh: `每次更新累积 ${gradAccum} 个小批，有效批大小为 ${p.effective}${p.effective < 8 ? `（训练样本只有 ${p.trainExamples} 条）` : "，在微调常用的 8 到 16 之间"}。`,
  };
  const few = p.trainExamples !== null && p.trainExamples < 200;
  const rankReason: Localized = p.rank < (few ? 8 : 16)
    ? { en: `Rank ${p.rank}: a larger adapter would not fit in memory.`, zh: `秩 ${p.rank}：更大的适配器放不进内存。` }
    : few
      ? { en: `Rank ${p.rank}: with ${p.trainExamples} training examples a small adapter learns enough and overfits less.`, zh: `秩 ${p.rank}：只有 ${p.trainExamples} 条训练样本，小适配器足够且不易过拟合。` }
      : { en: `Rank ${p.rank}, the usual choice for domain adaptation (8 to 16).`, zh: `秩 ${p.rank}，领域适配的常用取值（8 到 16）。` };
  const targetsReason: Localized = p.targetSet === "all"
    ? { en: "All linear projections (q, k, v, o, gate, up, down): the strongest tools' default, best quality for the memory.", zh: "所有线性投影（q、k、v、o、gate、up、down）：主流工具的默认做法，效果最好。" }
    : { en: `Only ${p.targets.join(", ")}: adapting every projection would not fit in memory.`, zh: `只适配 ${p.targets.join("、")}：适配全部投影放不进内存。` };
  const lr = p.trainExamples !== null && p.trainExamples < 100 ? 1e-4 : 2e-4;
  const lrReason: Localized = lr < 2e-4
    ? { en: "1e-4 with warmup and cosine decay: gentler for a small dataset trained for more epochs.", zh: "1e-4，带预热和余弦衰减：数据少、轮数多时更稳。" }
    : { en: "2e-4 with warmup and cosine decay, the common LoRA learning rate.", zh: "2e-4，带预热和余弦衰减，LoRA 常用学习率。" };
  const n = p.trainExamples;
  const epochs = n === null ? 3 : n <= 100 ? 5 : n <= 1000 ? 3 : n <= 10000 ? 2 : 1;
  const epochsReason: Localized = n === null
    ? { en: "3 epochs, the usual default; early stopping ends sooner when validation loss stops improving.", zh: "3 轮，常用默认值；验证损失不再下降时提前停止。" }
    : { en: `${epochs} epoch${epochs > 1 ? "s" : ""} for ${n} training examples (fewer examples need more passes); early stopping ends sooner when validation loss stops improving.`, zh: `${n} 条训练样本训练 ${epochs} 轮（样本越少需要的轮数越多）；验证损失不再下降时提前停止。` };
  const gcReason: Localized = p.gradientCheckpointing
    ? { en: "On: without it the activations would not fit in memory; it recomputes them in the backward pass (same result, about a third slower).", zh: "开启：否则激活值放不进内存；反向传播时重新计算（结果相同，约慢三分之一）。" }
    : { en: "Off: everything fits in memory without it, and training is faster.", zh: "关闭：不开也放得下，训练更快。" };
  const qbReason: Localized = p.quantizedBase
    ? { en: "On: the base weights stay in their compact GGUF form and are expanded one block at a time, because as float32 they would not fit.", zh: "开启：基础权重保持 GGUF 压缩格式，逐块展开，因为展开成 float32 放不进内存。" }
    : { en: "Off: the base weights fit in memory as float32, which is faster.", zh: "关闭：基础权重以 float32 放得下，速度更快。" };
  const raw: Record<string, unknown> = {
    lora: { rank: p.rank, alpha: 2 * p.rank, targets: p.targets },
    lr,
    batchSize: p.batchSize,
    gradAccum,
    seqLen: p.seqLen,
    epochs,
    gradientCheckpointing: p.gradientCheckpointing,
  };
  if (supportsQuantizedBase) raw.quantizedBase = p.quantizedBase;
  const config = TrainConfigSchema.parse(raw);
  const steps = n === null ? null : plannedSteps(config, n);
  return {
    backend: p.backend,
    seqLen: { value: p.seqLen, reason: seqReason },
    batchSize: { value: p.batchSize, reason: batchReason },
    gradAccum: { value: gradAccum, reason: accumReason },
    rank: { value: p.rank, reason: rankReason },
    alpha: { value: 2 * p.rank, reason: { en: `Alpha ${2 * p.rank}, twice the rank: updates of a usual strength.`, zh: `Alpha 为 ${2 * p.rank}，即秩的两倍：更新幅度适中。` } },
    targets: { value: p.targets, reason: targetsReason },
    lr: { value: lr, reason: lrReason },
    epochs: { value: epochs, reason: epochsReason },
    gradientCheckpointing: { value: p.gradientCheckpointing, reason: gcReason },
    quantizedBase: { value: p.quantizedBase, reason: qbReason },
    memory: p.memory,
    trainExamples: n,
    stepsPerEpoch: steps?.stepsPerEpoch ?? null,
    totalSteps: steps?.totalSteps ?? null,
    config,
  };
}
