import type { TfjsBackendName } from "../../../native-deps/tfjsBackend";
import type { Localized } from "../data/types";

/** One backend's test step: its speed, or why it could not run. */
export interface BackendTiming {
  backend: TfjsBackendName;
  /** Tokens per second of the calibration's timed steps; null when the step failed. */
  tokensPerSecond: number | null;
  secondsPerStep: number | null;
  /** Why the test step failed (its first line). */
  error?: string;
}

export interface BackendDecision {
  value: TfjsBackendName;
  reason: Localized;
  /** The GPU's speed over the CPU's (> 1: the GPU was faster); null unless both were timed. */
  speedup: number | null;
}

export const GPU_BACKENDS: readonly TfjsBackendName[] = ["tensorflow-gpu", "webgpu"];
export const isGpuBackend = (b: TfjsBackendName): boolean => GPU_BACKENDS.includes(b);

const times = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

/**
 * Which of a GPU backend and a CPU backend trains, from their measured test steps (the recommender's calibration):
 * the faster one, since a weak integrated GPU can lose to a fast CPU; one that failed its step loses. Pure: the
 * timings come in measured. `gpuName` is what the user knows the GPU as (the adapter's description).
 */
export function chooseFasterBackend(gpu: BackendTiming, cpu: BackendTiming, gpuName: string): BackendDecision {
  const g = gpu.tokensPerSecond;
  const c = cpu.tokensPerSecond;
  if (g !== null && c !== null && g > 0 && c > 0) {
    const speedup = g / c;
    const rate = `${Math.round(g)} against ${Math.round(c)} tokens per second`;
    const rateZh = `每秒 ${Math.round(g)} 对 ${Math.round(c)} 个词元`;
    if (g > c) {
      return {
        value: gpu.backend,
        speedup,
        reason: {
          en: `Trains on the GPU (${gpuName}): ${times(speedup)}x faster than the CPU in a test step (${rate}).`,
          zh: `在 GPU（${gpuName}）上训练：测试步中比 CPU 快 ${times(speedup)} 倍（${rateZh}）。`,
        },
      };
    }
    return {
      value: cpu.backend,
      speedup,
      reason: {
        en: `The CPU was faster than this GPU (${gpuName}) in a test step (${Math.round(c)} against ${Math.round(g)} tokens per second), so training uses the CPU (${cpu.backend}).`,
        zh: `测试步中 CPU 比这块 GPU（${gpuName}）更快（每秒 ${Math.round(c)} 对 ${Math.round(g)} 个词元），因此在 CPU 上训练（${cpu.backend}）。`,
      },
    };
  }
  if (g !== null && g > 0) {
    return {
      value: gpu.backend,
      speedup: null,
      reason: {
        en: `Trains on the GPU (${gpuName}): the CPU backend (${cpu.backend}) failed its test step${cpu.error ? ` (${cpu.error})` : ""}.`,
        zh: `在 GPU（${gpuName}）上训练：CPU 后端（${cpu.backend}）的测试步失败${cpu.error ? `（${cpu.error}）` : ""}。`,
      },
    };
  }
  return {
    value: cpu.backend,
    speedup: null,
    reason: {
      en: `The GPU (${gpuName}) failed its test step${gpu.error ? ` (${gpu.error})` : ""}, so training uses the CPU (${cpu.backend}).`,
      zh: `GPU（${gpuName}）的测试步失败${gpu.error ? `（${gpu.error}）` : ""}，因此在 CPU 上训练（${cpu.backend}）。`,
    },
  };
}
