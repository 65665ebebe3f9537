/**
 * Measures the GPU part of the memory model (predictGpuMemory's GPU_MEMORY_COEFFICIENTS) on the webgpu backend:
 *   VK_ICD_FILENAMES=... node --import tsx electron/app/hardware/fitGpuMemoryModel.ts [OUT.jsonl]
 * Each point is a few real training steps on webgpu (forced, so a software adapter such as SwiftShader counts: what
 * the engine allocates does not depend on how fast the adapter is) in a fresh child process; the measure is tfjs's
 * buffer manager's allocated bytes after the steps (runCalibrationSteps' gpu.peakMb). Prints the coefficients (MB
 * of GPU memory per MB of each memoryFeatures feature) and measured vs predicted. Shapes stay tiny: on SwiftShader
 * each point takes seconds to a minute. The RSS model (fitMemoryModel.ts) is separate and unchanged by this.
 */
import { appendFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTinyModel } from "../../engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../../engine/gguf/tiny/presets";
import type { Projection } from "../../engine/model/ModelWeights";
import { fit } from "./fitMemoryModel";
import { measureInChild } from "./measureInChild";
import { memoryFeatures, type MemoryFeatures } from "./memoryFeatures";
import { presetShape } from "./ModelShape";

interface GpuPoint {
  preset: PresetName;
  seqLen: number;
  batchSize: number;
  rank: number;
  targets: Projection[];
  gradientCheckpointing: boolean;
}

const QV: Projection[] = ["q", "v"];
const ALL: Projection[] = ["q", "k", "v", "o", "gate", "up", "down"];
const KEYS: (keyof MemoryFeatures)[] = ["weights", "linear", "attention", "logits", "loraActivations", "adapter"];
const MB = 2 ** 20;

export function gpuPlan(): GpuPoint[] {
  const p = (preset: PresetName, seqLen: number, batchSize: number, o: Partial<GpuPoint> = {}): GpuPoint => ({ preset, seqLen, batchSize, rank: 8, targets: QV, gradientCheckpointing: false, ...o });
  const points: GpuPoint[] = [];
  for (const preset of ["tiny", "small"] as const) {
    for (const [s, b] of [[32, 1], [64, 2], [128, 1], [128, 2]] as const) points.push(p(preset, s, b), p(preset, s, b, { rank: 16, targets: ALL }));
    points.push(p(preset, 128, 2, { gradientCheckpointing: true }));
  }
  return points;
}

async function modelPath(preset: PresetName): Promise<string> {
  const path = join(tmpdir(), `lora-studio-memfit-llama-${preset}-f32.gguf`);
  if (!existsSync(path)) await makeTinyModel({ arch: "llama", preset, dtype: "f32", seed: 0, out: path });
  return path;
}

async function main(): Promise<void> {
  const out = process.argv.slice(2).find((a) => !a.startsWith("--"));
  const rows: { p: GpuPoint; f: MemoryFeatures; gpuMb: number }[] = [];
  for (const p of gpuPlan()) {
    const r = await measureInChild({ modelPath: await modelPath(p.preset), seqLen: p.seqLen, batchSize: p.batchSize, rank: p.rank, targets: p.targets, gradientCheckpointing: p.gradientCheckpointing, quantizedBase: false, steps: 2, backend: "webgpu" }, 900_000);
    if (!r.gpu) throw new Error(`the calibration ran on ${r.backend}, not webgpu: set up a WebGPU adapter (VK_ICD_FILENAMES for SwiftShader) first`);
    rows.push({ p, f: memoryFeatures(presetShape(p.preset), { ...p, quantizedBase: false }), gpuMb: r.gpu.peakMb });
    if (out) appendFileSync(out, JSON.stringify({ ...p, ...r }) + "\n");
    process.stderr.write(`${p.preset} ${p.seqLen}x${p.batchSize} ${p.targets.length} targets${p.gradientCheckpointing ? " gc" : ""}: ${r.gpu.peakMb} MB on the GPU (${r.gpu.afterStepMb.join(", ")})\n`);
  }
  const coefficients = fit(rows.map((x) => ({ f: x.f, peakMb: x.gpuMb })));
  const predict = (f: MemoryFeatures) => coefficients.baselineMb + KEYS.reduce((s, k) => s + ((f[k] * 4) / MB) * coefficients[k], 0);
  const table = rows.map(({ p, f, gpuMb }) => ({ point: `${p.preset} ${p.seqLen}x${p.batchSize} r${p.rank} ${p.targets.join("")}${p.gradientCheckpointing ? " gc" : ""}`, measuredMb: gpuMb, predictedMb: Math.round(predict(f) * 10) / 10, errorPct: Math.round((1000 * (predict(f) - gpuMb)) / gpuMb) / 10 }));
  console.log(JSON.stringify({ coefficients, worstPct: Math.max(...table.map((t) => Math.abs(t.errorPct))), table }, null, 1));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) await main();
