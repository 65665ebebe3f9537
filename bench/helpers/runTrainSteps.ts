import { openGguf } from "../../electron/engine/gguf/GgufFile";
import { LoraAdapter } from "../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../electron/engine/model/LlamaModel";
import { quantizedByteLength } from "../../electron/engine/model/QuantizedWeights";
import { AdamW } from "../../electron/engine/training/AdamW";
import { lossAndGradients } from "../../electron/engine/training/lossAndGradients";
import type { Batch } from "../../electron/engine/training/makeBatch";
import { Rng } from "../../electron/engine/util/Rng";
import { initTfjs } from "../../native-deps/tfjsBackend";
import { WasmLiveBytes } from "./WasmLiveBytes";
import { WebgpuBytes } from "./WebgpuBytes";

export interface StepRunOptions {
  path: string;
  seqLen: number;
  rank: number;
  /** Measured steps, after one warm-up step. */
  steps: number;
  keepQuantized?: boolean;
  gradientCheckpointing?: boolean;
  transposedCopies?: boolean;
  /** Issue 13: the tfjs backend (default wasm); on webgpu the "wasm heap" fields are GPU buffer bytes. */
  backend?: "wasm" | "webgpu";
}

export interface StepRunResult {
  backend: string;
  keep_quantized: boolean;
  gradient_checkpointing: boolean;
  transposed_copies: boolean;
  load_s: number;
  tokens_per_s: number;
  s_per_step_median: number;
  /** CPU seconds (user + system) per step, median: steadier than wall time when other processes share the cores. */
  cpu_s_per_step_median: number;
  /** Median split of a step: loss + gradients, and the AdamW update. */
  s_loss_and_gradients_median: number;
  s_optimizer_median: number;
  step_s: number[];
  peak_rss_mb: number;
  rss_after_load_mb: number;
  wasm_heap_after_load_mb: number;
  wasm_heap_end_mb: number;
  /** Peak bytes of live tensors during the steps above what was live before them (the model, the adapter). */
  peak_step_tensors_mb: number;
  /** Weights kept as GGUF bytes in JS memory (keepQuantized). */
  quantized_bytes_mb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The Trainer's step (lossAndGradients, then AdamW) on random tokens with every position in the loss, as the
 * PyTorch reference trains: rank r on q and v, alpha 32, no dropout. Meant to run alone in a fresh process.
 */
export async function runTrainSteps(o: StepRunOptions): Promise<StepRunResult> {
  const { tf, backend } = await initTfjs({ prefer: o.backend ?? "wasm" });
  const file = await openGguf(o.path);
  const t0 = performance.now();
  const model = await LlamaModel.load(file, { keepQuantized: o.keepQuantized ?? false, transposedCopies: o.transposedCopies ?? false }).finally(() => file.close());
  const loadS = (performance.now() - t0) / 1000;
  const adapter = LoraAdapter.create(model.config, LoraConfigSchema.parse({ rank: o.rank, alpha: 32, dropout: 0, targets: ["q", "v"] }), 1);
  const optimizer = new AdamW(adapter.variables());
  const meter = backend === "webgpu" ? WebgpuBytes.attach() : WasmLiveBytes.attach();
  const rssAfterLoad = process.memoryUsage().rss;
  const heapAfterLoad = meter.heapBytes();
  const rng = new Rng(7);
  const vocab = model.config.vocabSize;
  const batch = (): Batch => {
    const tokens = Array.from({ length: o.seqLen + 1 }, () => rng.nextUint32() % vocab);
    return { inputs: [tokens.slice(0, -1)], targets: Int32Array.from(tokens.slice(1)), mask: new Float32Array(o.seqLen).fill(1), lossTokens: o.seqLen, tokens: o.seqLen, truncated: 0 };
  };
  const steps: number[] = [];
  const lossTimes: number[] = [];
  const optTimes: number[] = [];
  const cpuTimes: number[] = [];
  meter.resetPeak();
  for (let i = 0; i <= o.steps; i++) {
    const b = batch();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const { grads } = await lossAndGradients(model, adapter, b, undefined, { gradientCheckpointing: o.gradientCheckpointing ?? false });
    const mid = performance.now();
    optimizer.apply(grads, 1e-4);
    tf.dispose(Object.values(grads));
    if (meter instanceof WebgpuBytes) meter.sample();
    const end = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    if (i === 0) continue; // warm-up: XNNPACK packs each weight on first use
    steps.push((end - start) / 1000);
    lossTimes.push((mid - start) / 1000);
    optTimes.push((end - mid) / 1000);
    cpuTimes.push((cpu.user + cpu.system) / 1e6);
  }
  const result: StepRunResult = {
    backend,
    keep_quantized: o.keepQuantized ?? false,
    gradient_checkpointing: o.gradientCheckpointing ?? false,
    transposed_copies: o.transposedCopies ?? false,
    load_s: Math.round(loadS * 100) / 100,
    tokens_per_s: Math.round((o.seqLen / median(steps)) * 10) / 10,
    s_per_step_median: Math.round(median(steps) * 1000) / 1000,
    cpu_s_per_step_median: Math.round(median(cpuTimes) * 1000) / 1000,
    s_loss_and_gradients_median: Math.round(median(lossTimes) * 1000) / 1000,
    s_optimizer_median: Math.round(median(optTimes) * 1000) / 1000,
    step_s: steps.map((s) => Math.round(s * 1000) / 1000),
    peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    rss_after_load_mb: mb(rssAfterLoad),
    wasm_heap_after_load_mb: mb(heapAfterLoad),
    wasm_heap_end_mb: mb(meter.heapBytes()),
    peak_step_tensors_mb: mb(meter.peak),
    quantized_bytes_mb: model.weights.quantized ? mb(quantizedByteLength(model.weights.quantized)) : 0,
  };
  meter.detach();
  optimizer.dispose();
  adapter.dispose();
  model.dispose();
  return result;
}
