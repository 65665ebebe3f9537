import { createRequire } from "node:module";
import type { TfjsBackendName } from "../../../native-deps/tfjsBackend";
import type { HardwareReport } from "./probeHardware";

type Hardware = Pick<HardwareReport, "os" | "gpus" | "llamaCpp" | "tfjs" | "memory" | "cpu">;

/**
 * Share of RAM a GPU that shares it may use (Apple Silicon: Metal's working-set limit is about two thirds to three
 * quarters of RAM; see ../shared/docs/WEBGPU.md). The lower end, since the app and the OS live in the same RAM.
 */
export const UNIFIED_MEMORY_SHARE = 0.65;

/** What the user knows the GPU as: the WebGPU adapter's description, else llama.cpp's device name, else systeminformation's. */
export function gpuNameOf(hw: Pick<Hardware, "gpus" | "llamaCpp" | "tfjs">, backend: TfjsBackendName): string {
  const adapter = hw.tfjs.adapter;
  const fromAdapter = adapter && (adapter.description || [adapter.vendor, adapter.architecture].filter(Boolean).join(" "));
  const named = hw.llamaCpp.devices[0] ?? (hw.gpus[0] ? `${hw.gpus[0].vendor} ${hw.gpus[0].model}`.trim() : undefined);
  if (backend === "webgpu") return fromAdapter || named || "WebGPU adapter";
  return named || fromAdapter || "graphics card";
}

/** Apple Silicon: the GPU computes in the same RAM as the CPU (unified memory). */
export function unifiedMemory(hw: Pick<Hardware, "os" | "gpus" | "tfjs">): boolean {
  return /\barm64\b/.test(hw.os) && (/mac|darwin/i.test(hw.os) || hw.gpus.some((g) => /apple/i.test(g.vendor)) || /apple/i.test(hw.tfjs.adapter?.vendor ?? ""));
}

/**
 * The memory a GPU backend trains in: free VRAM as llama.cpp sees it, else the VRAM systeminformation reports for the
 * GPU (the one the adapter names, else the largest), else on Apple Silicon a share of RAM; null where unknown
 * (WebGPU itself does not report free VRAM).
 */
export function gpuMemoryOf(hw: Pick<Hardware, "os" | "gpus" | "llamaCpp" | "tfjs" | "memory">): { availableMb: number; source: "vram" | "unified" } | null {
  if (unifiedMemory(hw)) return { availableMb: Math.floor(hw.memory.totalMb * UNIFIED_MEMORY_SHARE), source: "unified" };
  if (hw.llamaCpp.vramFreeMb) return { availableMb: hw.llamaCpp.vramFreeMb, source: "vram" };
  const description = hw.tfjs.adapter?.description.toLowerCase() ?? "";
  const named = hw.gpus.find((g) => g.vramMb && description && (description.includes(g.model.toLowerCase()) || g.model.toLowerCase().includes(description)));
  const largest = hw.gpus.filter((g) => g.vramMb).sort((a, b) => b.vramMb! - a.vramMb!)[0];
  const vram = (named ?? largest)?.vramMb;
  return vram ? { availableMb: vram, source: "vram" } : null;
}

/**
 * The CPU backends worth timing against a GPU, best first: those that did not fail to load (a GPU backend loading
 * first leaves them untried, so each may still fail; the calibration then moves on to the next).
 */
export function cpuCandidates(hw: Pick<Hardware, "tfjs">, installed: (pkg: string) => boolean = packageInstalled): TfjsBackendName[] {
  const failed = new Set(hw.tfjs.backends.filter((b) => !b.ok && !/^skipped/.test(b.reason)).map((b) => b.name));
  // Note: tfjs-node untried and absent (the usual case) would cost a calibration process that fails at once.
  if (!hw.tfjs.backends.some((b) => b.name === "tensorflow" && b.ok) && !installed("@tensorflow/tfjs-node")) failed.add("tensorflow");
  return (["tensorflow", "wasm", "cpu"] as const).filter((b) => !failed.has(b));
}

function packageInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which device trains, as the hardware chip says it: the GPU's name when the backend that loads first is a GPU one
 * (the recommender's test steps may still find the CPU faster: the Settings screen says so), else the CPU with one
 * line on why no GPU trains (the WebGPU attempt's reason, else the GPU backends' first failure).
 */
export function trainingDeviceOf(hw: Pick<Hardware, "gpus" | "llamaCpp" | "tfjs" | "cpu">): { kind: "gpu" | "cpu"; name: string; backend: string; why: { en: string; zh: string } | null } {
  const chosen = hw.tfjs.chosen;
  if (chosen === "webgpu" || chosen === "tensorflow-gpu") return { kind: "gpu", name: gpuNameOf(hw, chosen), backend: chosen, why: null };
  const tried = hw.tfjs.backends.find((b) => b.name === "webgpu" && !b.ok) ?? hw.tfjs.backends.find((b) => b.name === "tensorflow-gpu" && !b.ok);
  const reason = tried?.reason ?? (chosen ? `the ${chosen} backend was chosen` : "no training backend loaded");
  return {
    kind: "cpu",
    name: hw.cpu.model,
    backend: chosen ?? "none",
    why: { en: `No GPU trains here: ${tried ? `${tried.name}: ` : ""}${reason}`, zh: `此电脑没有可用于训练的 GPU：${tried ? `${tried.name}：` : ""}${reason}` },
  };
}
