import type { WebgpuAdapterSummary } from "./WebgpuAdapterSummary";

// CPU rasterizers that present themselves as GPUs: they compute correctly but slower than the wasm backend
// (SwiftShader ran training ~20x slower than wasm, see ../shared/docs/WEBGPU.md).
const SOFTWARE: [RegExp, string][] = [
  [/swiftshader/i, "SwiftShader"],
  [/llvmpipe/i, "llvmpipe"],
  [/lavapipe/i, "lavapipe"],
  [/softpipe/i, "softpipe"],
  [/basic render driver/i, "Microsoft Basic Render Driver (WARP)"],
  [/\bwarp\b/i, "WARP"],
];

/** Why this adapter is a software one (never chosen unless forced), or undefined for a hardware GPU. */
export function softwareAdapterReason(a: WebgpuAdapterSummary): string | undefined {
  const text = [a.vendor, a.architecture, a.device, a.description].join(" ");
  const name = SOFTWARE.find(([re]) => re.test(text))?.[1];
  if (name) return `${name} is a software adapter (the CPU standing in for a GPU, slower than wasm)`;
  if (a.isFallbackAdapter) return "the adapter is a fallback (software) adapter, slower than wasm";
  return undefined;
}
