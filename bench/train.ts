/**
 * `npm run bench:train`: LoRA training throughput and memory of our engine (tfjs, wasm backend) against the PyTorch
 * reference (../shared/bench/torch_lora_ref.py) in the same run, on the same shapes: seq 256, batch 1, rank 8 on q
 * and v, AdamW, random tokens with every position in the loss. Prints one JSON object.
 *
 * Every measurement runs in a fresh child process (the wasm heap never shrinks, and peak RSS is per process):
 * - speed: w576-4l-v4k and smollm2-135m, llama arch, F32, made with makeTinyModel into the temp dir (reused);
 *   the Trainer's step path (lossAndGradients, then AdamW) timed per step, median after a warm-up step; by
 *   default and with LoadWeightsOptions.transposedCopies (no weight transposes in the backward pass).
 * - memory: a Q8_0 model loaded as F32 tensors (default), kept quantized, and kept quantized with gradient
 *   checkpointing; peak RSS, the wasm heap, and peak live tensor bytes during the steps.
 * The reference runs with 1 and 2 threads (the better is quoted); it is skipped with a reason when
 * /usr/bin/python3 with torch is absent. BENCH_TRAIN_QUICK=1 runs only w576-4l-v4k.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTinyModel, type TinyDtype } from "../electron/engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../electron/engine/gguf/tiny/presets";
import { runTrainSteps, type StepRunOptions, type StepRunResult } from "./helpers/runTrainSteps";

const SEQ = 256;
const RANK = 8;
const REFERENCE = "/work/shared/bench/torch_lora_ref.py";
const PYTHON = "/usr/bin/python3";
const quick = process.env.BENCH_TRAIN_QUICK === "1";

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function modelPath(preset: PresetName, dtype: TinyDtype): Promise<string> {
  // The same file name bench:forward uses, so the two benches share the (large) generated models.
  const path = join(tmpdir(), `lora-studio-bench-llama-${preset}-${dtype}.gguf`);
  if (!existsSync(path)) await makeTinyModel({ arch: "llama", preset, dtype, seed: 0, out: path });
  return path;
}

/** Runs the step loop in a fresh Node process and returns its JSON result. */
function inChild(options: StepRunOptions): StepRunResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--import", "tsx", self, "--child", JSON.stringify(options)], { encoding: "utf8", maxBuffer: 16 << 20 });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`bench child failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as StepRunResult;
}

interface ReferenceResult {
  tokens_per_s: number;
  s_per_step_median: number;
  peak_rss_mb: number;
  threads: number;
  tried: Record<string, number | string>;
}

/** The PyTorch reference with 1 and 2 threads; the faster run, or the reason it could not run. */
function reference(preset: string): ReferenceResult | { skipped: string } {
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} is absent` };
  if (!existsSync(REFERENCE)) return { skipped: `${REFERENCE} is absent` };
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return { skipped: `${PYTHON} cannot import torch: ${probe.stderr.trim().split("\n").pop()}` };
  const env = { ...process.env };
  // As ../shared/bench/README.md says: the overrides make OpenBLAS slower than it is.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  let best: ReferenceResult | undefined;
  const tried: Record<string, number | string> = {};
  for (const threads of [1, 2]) {
    const r = spawnSync(PYTHON, [REFERENCE, "--preset", preset, "--rank", String(RANK), "--seq", String(SEQ), "--batch", "1", "--targets", "q,v", "--threads", String(threads)], { encoding: "utf8", env });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !line.startsWith("{")) {
      tried[`${threads}_thread`] = `failed: ${r.stderr.trim().split("\n").pop()}`;
      continue;
    }
    const j = JSON.parse(line) as { tokens_per_s: number; s_per_step_median: number; peak_rss_mb: number };
    tried[`${threads}_thread_tokens_per_s`] = j.tokens_per_s;
    if (!best || j.tokens_per_s > best.tokens_per_s) best = { ...j, threads, tried };
  }
  return best ?? { skipped: `the reference failed: ${JSON.stringify(tried)}` };
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) {
    console.log(JSON.stringify(await runTrainSteps(JSON.parse(process.argv[childAt + 1]!) as StepRunOptions)));
    return;
  }
  const loadBefore = loadavg()[0]!;
  const presets: PresetName[] = quick ? ["w576-4l-v4k"] : ["w576-4l-v4k", "smollm2-135m"];
  const speed: Record<string, unknown> = {};
  for (const preset of presets) {
    const path = await modelPath(preset, "f32");
    const steps = preset === "smollm2-135m" ? 3 : 5;
    const ours = inChild({ path, seqLen: SEQ, rank: RANK, steps });
    const oursCopies = inChild({ path, seqLen: SEQ, rank: RANK, steps, transposedCopies: true });
    const ref = reference(preset);
    const ratio = (r: StepRunResult) => ("tokens_per_s" in ref ? round(r.tokens_per_s / ref.tokens_per_s, 2) : null);
    speed[preset] = {
      ours,
      ours_transposed_copies: oursCopies,
      reference: ref,
      ratio_ours_over_reference: ratio(ours),
      ratio_ours_transposed_copies_over_reference: ratio(oursCopies),
    };
  }
  const memoryPreset: PresetName = quick ? "w576-4l-v4k" : "smollm2-135m";
  const q8 = await modelPath(memoryPreset, "q8_0");
  const memorySteps = 2;
  const memory = {
    model: `${memoryPreset} Q8_0`,
    f32_tensors: inChild({ path: q8, seqLen: SEQ, rank: RANK, steps: memorySteps }),
    quantized_base: inChild({ path: q8, seqLen: SEQ, rank: RANK, steps: memorySteps, keepQuantized: true }),
    quantized_base_checkpointing: inChild({ path: q8, seqLen: SEQ, rank: RANK, steps: memorySteps, keepQuantized: true, gradientCheckpointing: true }),
    f32_tensors_checkpointing: inChild({ path: q8, seqLen: SEQ, rank: RANK, steps: memorySteps, gradientCheckpointing: true }),
  };
  console.log(
    JSON.stringify(
      {
        bench: "train",
        seq: SEQ,
        batch: 1,
        rank: RANK,
        targets: "q,v",
        statistic: "median seconds per step after one warm-up step; peak RSS of the whole process",
        // Other processes on these cores slow wall-clock figures (ours and the reference's alike); CPU seconds less so.
        load_average_1min: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2), cores: availableParallelism() },
        speed,
        memory,
      },
      null,
      1,
    ),
  );
}

await main();
