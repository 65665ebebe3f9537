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
 * Issue 14: ours runs with 1 and 2 threads (LORA_STUDIO_TRAIN_THREADS: MLAS's threads for the matmuls) and once on
 * wasm XNNPACK alone; ratio_1_thread and ratio_2_threads compare each with the reference at the same thread count,
 * and scaling_model says what 4 and 8 cores would give and what limits them.
 * Issue 13: BENCH_TRAIN_BACKENDS (default "wasm,webgpu") adds ours on webgpu per speed shape, with the adapter's
 * name and GPU buffer bytes; webgpu runs where initTfjs chooses it (a hardware adapter) or where it is forced
 * (LORA_STUDIO_BACKEND=webgpu), and is skipped with the reason otherwise. On a software adapter (SwiftShader) the
 * figures mean nothing and the output says so.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTinyModel, type TinyDtype } from "../electron/engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../electron/engine/gguf/tiny/presets";
import { nativeMatMulState, nativeMatMulStats } from "../native-deps/nativeMatmul/nativeMatMul";
import { initTfjs } from "../native-deps/tfjsBackend";
import { softwareAdapterReason } from "../native-deps/webgpu/softwareAdapterReason";
import { describeAdapter } from "../native-deps/webgpu/WebgpuAdapterSummary";
import { runTrainSteps, type StepRunOptions, type StepRunResult } from "./helpers/runTrainSteps";

const SEQ = 256;
const RANK = 8;
const REFERENCE = "/work/shared/bench/torch_lora_ref.py";
const PYTHON = "/usr/bin/python3";
const quick = process.env.BENCH_TRAIN_QUICK === "1";
const backends = (process.env.BENCH_TRAIN_BACKENDS ?? "wasm,webgpu").split(",").map((b) => b.trim());

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function modelPath(preset: PresetName, dtype: TinyDtype): Promise<string> {
  // The same file name bench:forward uses, so the two benches share the (large) generated models.
  const path = join(tmpdir(), `lora-studio-bench-llama-${preset}-${dtype}.gguf`);
  if (!existsSync(path)) await makeTinyModel({ arch: "llama", preset, dtype, seed: 0, out: path });
  return path;
}

/** Threads and matmul library of one of our runs (issue 14): env of the child process. */
interface Engine {
  threads: number;
  /** false: wasm XNNPACK only (LORA_STUDIO_NATIVE_MATMUL=0), as before onnxruntime-node. */
  native: boolean;
}
const DEFAULT_ENGINE: Engine = { threads: 1, native: true };

/** Runs the step loop in a fresh Node process and returns its JSON result. */
function inChild(options: StepRunOptions, engine: Engine = DEFAULT_ENGINE): StepRunResult & { native_matmul?: NativeShare } {
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, LORA_STUDIO_TRAIN_THREADS: String(engine.threads), LORA_STUDIO_NATIVE_MATMUL: engine.native ? "1" : "0" };
  const r = spawnSync(process.execPath, ["--import", "tsx", self, "--child", JSON.stringify(options)], { encoding: "utf8", maxBuffer: 16 << 20, env });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !line.startsWith("{")) throw new Error(`bench child failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as StepRunResult & { native_matmul?: NativeShare };
}

/** The native matmul's share of a step (averaged over every step, the warm-up included). */
interface NativeShare {
  library: string;
  threads: number;
  s_per_step: number;
  gflops: number;
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

/**
 * What more cores would give, from the measured parts: the native matmul's seconds per step at 1 and 2 threads
 * (its parallel efficiency, extrapolated linearly and capped at n) and the rest of the step (wasm element-wise
 * kernels, softmax, the optimizer: one thread whatever the budget). Amdahl's bound is (rest + matmul) / rest.
 */
function scalingModel(one: StepRunResult & { native_matmul?: NativeShare }, two: StepRunResult & { native_matmul?: NativeShare }) {
  if (!one.native_matmul || !two.native_matmul) return { skipped: "the native matmul is off: nothing in a step uses a second core" };
  const m1 = one.native_matmul.s_per_step;
  const m2 = two.native_matmul.s_per_step;
  // The rest runs on one thread in both runs: the lower estimate is the one less disturbed by other processes.
  const rest = Math.max(0.001, Math.min(one.s_per_step_median - m1, two.s_per_step_median - m2));
  const gain = Math.min(2, Math.max(1, m1 / m2)); // matmul speed-up from the second thread
  const predict = (n: number) => {
    const matmul = m1 / Math.min(n, 1 + (gain - 1) * (n - 1));
    return { s_per_step: round(rest + matmul, 3), tokens_per_s: round(SEQ / (rest + matmul)) };
  };
  return {
    matmul_s_per_step_1_thread: m1,
    matmul_s_per_step_2_threads: m2,
    matmul_speedup_2_threads: round(gain, 2),
    rest_s_per_step: round(rest, 3),
    note: "matmul seconds are a mean over every step (the warm-up included), step seconds a median: a rough split",
    predicted: { "4_cores": predict(4), "8_cores": predict(8) },
    amdahl_bound_speedup: round((rest + m1) / rest, 2),
    limit: "the rest of a step (wasm element-wise kernels, softmax, RoPE, the optimizer) runs on one thread; the matmuls alone use the budget",
  };
}

/** Issue 13: in the child, webgpu only where initTfjs would train on it (or it is forced); else why not. */
async function webgpuAdapter(): Promise<{ adapter: string; note?: string } | { skipped: string }> {
  const forced = process.env.LORA_STUDIO_BACKEND === "webgpu";
  const init = await initTfjs(forced ? { prefer: "webgpu" } : {}).catch((e: Error) => e);
  if (init instanceof Error) return { skipped: init.message };
  if (init.backend !== "webgpu") return { skipped: init.gpuNotice ?? `initTfjs chose ${init.backend}` };
  const a = init.adapter!;
  const software = softwareAdapterReason(a);
  return { adapter: describeAdapter(a), ...(software ? { note: `${software}: these figures mean nothing about a GPU's speed` } : {}) };
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf("--child");
  if (childAt >= 0) {
    const options = JSON.parse(process.argv[childAt + 1]!) as StepRunOptions;
    const gpu = options.backend === "webgpu" ? await webgpuAdapter() : undefined;
    if (gpu && "skipped" in gpu) {
      console.log(JSON.stringify(gpu));
      return;
    }
    const result = { ...(await runTrainSteps(options)), ...gpu };
    const state = nativeMatMulState();
    const stats = nativeMatMulStats();
    const native: NativeShare | undefined = state?.active
      ? { library: state.reason, threads: state.threads, s_per_step: round(stats.seconds / (options.steps + 1), 3), gflops: round(stats.flops / stats.seconds / 1e9, 1) }
      : undefined;
    console.log(JSON.stringify({ ...result, ...(native ? { native_matmul: native } : { native_matmul_off: state?.reason ?? "not configured" }) }));
    return;
  }
  const loadBefore = loadavg()[0]!;
  const presets: PresetName[] = quick ? ["w576-4l-v4k"] : ["w576-4l-v4k", "smollm2-135m"];
  const speed: Record<string, unknown> = {};
  for (const preset of presets) {
    const path = await modelPath(preset, "f32");
    const steps = preset === "smollm2-135m" ? 3 : 5;
    const ours = inChild({ path, seqLen: SEQ, rank: RANK, steps }, { threads: 1, native: true });
    const ours2 = inChild({ path, seqLen: SEQ, rank: RANK, steps }, { threads: 2, native: true });
    const oursXnn = inChild({ path, seqLen: SEQ, rank: RANK, steps }, { threads: 1, native: false });
    const oursCopies = quick ? undefined : inChild({ path, seqLen: SEQ, rank: RANK, steps, transposedCopies: true });
    const oursWebgpu = backends.includes("webgpu") ? inChild({ path, seqLen: SEQ, rank: RANK, steps, backend: "webgpu" }) : undefined;
    const ref = reference(preset);
    const ratio = (r: StepRunResult) => ("tokens_per_s" in ref ? round(r.tokens_per_s / ref.tokens_per_s, 2) : null);
    const refAt = (threads: number) => ("tried" in ref ? ref.tried[`${threads}_thread_tokens_per_s`] : undefined);
    const ratioAt = (r: StepRunResult, threads: number) => {
      const t = refAt(threads);
      return typeof t === "number" ? round(r.tokens_per_s / t, 2) : null;
    };
    speed[preset] = {
      ours_1_thread: ours,
      ours_2_threads: ours2,
      ours_1_thread_wasm_xnnpack_only: oursXnn,
      ...(oursCopies ? { ours_transposed_copies: oursCopies } : {}),
      ...(oursWebgpu ? { ours_webgpu: oursWebgpu } : {}),
      reference: ref,
      // Same thread count on both sides (issue 14's goal: >= 0.5 each).
      ratio_1_thread: ratioAt(ours, 1),
      ratio_2_threads: ratioAt(ours2, 2),
      ratio_best_over_best: "tokens_per_s" in ref ? round(Math.max(ours.tokens_per_s, ours2.tokens_per_s) / ref.tokens_per_s, 2) : null,
      ratio_wasm_xnnpack_only_1_thread: ratioAt(oursXnn, 1),
      ...(oursCopies ? { ratio_ours_transposed_copies_over_reference: ratio(oursCopies) } : {}),
      scaling_model: scalingModel(ours, ours2),
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
