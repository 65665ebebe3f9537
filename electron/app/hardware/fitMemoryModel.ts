/**
 * Re-measures the memory model's coefficients (predictPeakMemory's MEMORY_COEFFICIENTS) on this machine:
 *   node --import tsx electron/app/hardware/fitMemoryModel.ts [OUT.jsonl] [--quick]
 * Each point is a few real training steps in a fresh child process (measureInChild); the models are made with
 * makeTinyModel into the temp dir (reused). Prints one JSON object: the coefficients, and measured vs predicted for
 * every point. Run it again when the engine's memory use changes (new kernels, a fused loss, transposed copies).
 */
import { appendFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTinyModel, type TinyDtype } from "../../engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../../engine/gguf/tiny/presets";
import type { Projection } from "../../engine/model/ModelWeights";
import { measureInChild } from "./measureInChild";
import { memoryFeatures, type MemoryFeatures } from "./memoryFeatures";
import { presetShape } from "./ModelShape";
import type { CalibrationResult } from "./runCalibrationSteps";

interface Point {
  preset: PresetName;
  dtype?: TinyDtype;
  seqLen: number;
  batchSize: number;
  rank: number;
  targets: Projection[];
  gradientCheckpointing: boolean;
  quantizedBase: boolean;
  reps: number;
}

const QV: Projection[] = ["q", "v"];
const ALL: Projection[] = ["q", "k", "v", "o", "gate", "up", "down"];
const KEYS: (keyof MemoryFeatures)[] = ["weights", "linear", "attention", "logits", "loraActivations", "adapter"];
const MB = 2 ** 20;

export function plan(quick: boolean): Point[] {
  const p = (preset: PresetName, seqLen: number, batchSize: number, o: Partial<Point> = {}): Point => ({ preset, seqLen, batchSize, rank: 8, targets: QV, gradientCheckpointing: false, quantizedBase: false, reps: 1, ...o });
  const points: Point[] = [];
  for (const preset of ["tiny", "small"] as const) {
    // Short sequences too: small tiny-model runs (a clinic FAQ of short answers) sit near the runtime baseline.
    for (const [s, b] of [[96, 4], [256, 1], [512, 1], [256, 4], [1024, 2]] as const) {
      points.push(p(preset, s, b, { reps: 2 }), p(preset, s, b, { rank: 16, targets: ALL, reps: 2 }));
    }
    points.push(p(preset, 512, 1, { gradientCheckpointing: true, reps: 2 }), p(preset, 256, 4, { gradientCheckpointing: true, reps: 2 }));
  }
  if (quick) return points;
  for (const [s, b] of [[128, 1], [256, 1], [512, 1], [256, 4]] as const) points.push(p("w576-4l-v4k", s, b));
  points.push(p("w576-4l-v4k", 512, 1, { gradientCheckpointing: true }), p("w576-4l-v4k", 256, 1, { dtype: "q8_0", quantizedBase: true }));
  points.push(p("smollm2-135m", 128, 1), p("smollm2-135m", 256, 1, { rank: 16, targets: ALL }));
  return points;
}

async function modelPath(preset: PresetName, dtype: TinyDtype): Promise<string> {
  const path = join(tmpdir(), `lora-studio-memfit-llama-${preset}-${dtype}.gguf`);
  if (!existsSync(path)) await makeTinyModel({ arch: "llama", preset, dtype, seed: 0, out: path });
  return path;
}

export function features(p: Point): MemoryFeatures {
  return memoryFeatures(presetShape(p.preset, p.dtype === "q8_0" ? 34 / 32 : 4), p);
}

/** Least squares on relative error with non-negative coefficients (terms that come out negative are dropped). */
export function fit(rows: { f: MemoryFeatures; peakMb: number }[]): { baselineMb: number } & Record<keyof MemoryFeatures, number> {
  const X = rows.map((r) => [1, ...KEYS.map((k) => (r.f[k] * 4) / MB)]);
  let cols = [0, 1, 2, 3, 4, 5, 6];
  let coef: number[] = [];
  for (;;) {
    const n = cols.length;
    const M = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
    rows.forEach((r, i) => {
      const w = 1 / r.peakMb;
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) M[a]![b]! += X[i]![cols[a]!]! * X[i]![cols[b]!]! * w * w;
        M[a]![n]! += X[i]![cols[a]!]! * r.peakMb * w * w;
      }
    });
    for (let i = 0; i < n; i++) {
      let pivot = i;
      for (let k = i + 1; k < n; k++) if (Math.abs(M[k]![i]!) > Math.abs(M[pivot]![i]!)) pivot = k;
      [M[i], M[pivot]] = [M[pivot]!, M[i]!];
      if (Math.abs(M[i]![i]!) < 1e-12) continue;
      for (let k = 0; k < n; k++) {
        if (k === i) continue;
        const f = M[k]![i]! / M[i]![i]!;
        for (let j = i; j <= n; j++) M[k]![j]! -= f * M[i]![j]!;
      }
    }
    coef = M.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
    if (coef.every((c) => c >= 0)) break;
    cols = cols.filter((_, i) => coef[i]! >= 0);
  }
  const full = new Array<number>(7).fill(0);
  cols.forEach((c, i) => (full[c] = coef[i]!));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { baselineMb: Math.round(full[0]!), ...(Object.fromEntries(KEYS.map((k, i) => [k, round(full[i + 1]!)])) as Record<keyof MemoryFeatures, number>) };
}

async function main(): Promise<void> {
  const out = process.argv.slice(2).find((a) => !a.startsWith("--"));
  const quick = process.argv.includes("--quick");
  const rows: { p: Point; f: MemoryFeatures; r: CalibrationResult }[] = [];
  for (const p of plan(quick)) {
    const path = await modelPath(p.preset, p.dtype ?? "f32");
    for (let rep = 0; rep < p.reps; rep++) {
      const r = await measureInChild({ modelPath: path, seqLen: p.seqLen, batchSize: p.batchSize, rank: p.rank, targets: p.targets, gradientCheckpointing: p.gradientCheckpointing, quantizedBase: p.quantizedBase, steps: 2 }, 900_000);
      rows.push({ p, f: features(p), r });
      if (out) appendFileSync(out, JSON.stringify({ ...p, rep, ...r }) + "\n");
      process.stderr.write(`${p.preset} ${p.seqLen}x${p.batchSize} ${p.targets.length} targets${p.gradientCheckpointing ? " gc" : ""}${p.quantizedBase ? " qb" : ""}: ${r.peakRssMb} MB\n`);
    }
  }
  const coefficients = fit(rows.filter((x) => !x.p.quantizedBase).map((x) => ({ f: x.f, peakMb: x.r.peakRssMb })));
  const predict = (f: MemoryFeatures) => coefficients.baselineMb + KEYS.reduce((s, k) => s + ((f[k] * 4) / MB) * coefficients[k], 0);
  const table = rows.map(({ p, f, r }) => ({ point: `${p.preset}${p.dtype ? `-${p.dtype}` : ""} ${p.seqLen}x${p.batchSize} r${p.rank} ${p.targets.join("")}${p.gradientCheckpointing ? " gc" : ""}${p.quantizedBase ? " qb" : ""}`, measuredMb: r.peakRssMb, predictedMb: Math.round(predict(f)), errorPct: Math.round((1000 * (predict(f) - r.peakRssMb)) / r.peakRssMb) / 10 }));
  console.log(JSON.stringify({ coefficients, worstPct: Math.max(...table.map((t) => Math.abs(t.errorPct))), table }, null, 1));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) await main();
