import { z } from "zod";
import { openGguf } from "../../engine/gguf/GgufFile";
import { LoraAdapter } from "../../engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../engine/lora/LoraConfig";
import { LlamaModel } from "../../engine/model/LlamaModel";
import { PROJECTIONS } from "../../engine/model/ModelWeights";
import { AdamW } from "../../engine/training/AdamW";
import { lossAndGradients } from "../../engine/training/lossAndGradients";
import type { Batch } from "../../engine/training/makeBatch";
import { Rng } from "../../engine/util/Rng";
import { initTfjs } from "../../../native-deps/tfjsBackend";

export const CalibrationOptionsSchema = z.object({
  modelPath: z.string().min(1),
  seqLen: z.number().int().min(8),
  batchSize: z.number().int().min(1),
  rank: z.number().int().min(1),
  targets: z.array(z.enum(PROJECTIONS)).min(1),
  gradientCheckpointing: z.boolean().default(false),
  /** Keep frozen weights as GGUF bytes (LlamaModel.load keepQuantized). */
  quantizedBase: z.boolean().default(false),
  /** Timed steps after one warm-up step. */
  steps: z.number().int().min(1).max(50).default(2),
  backend: z.enum(["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"]).optional(),
});
export type CalibrationOptions = z.input<typeof CalibrationOptionsSchema>;

export interface CalibrationResult {
  backend: string;
  /** RSS once tfjs and its backend are loaded, before the model (the runtime baseline). */
  baselineRssMb: number;
  rssAfterLoadMb: number;
  /** Peak RSS of the whole process (process.resourceUsage().maxRSS). */
  peakRssMb: number;
  loadSeconds: number;
  /** Median seconds per training step (loss, gradients, AdamW), warm-up step excluded. */
  secondsPerStep: number;
  tokensPerSecond: number;
  /**
   * webgpu only: GPU memory the backend allocated (tfjs's buffer manager, `tf.memory().numBytesAllocatedInGPU`: every
   * buffer created and not destroyed, pooled ones included, so the high-water mark of a step) after loading the
   * model and after each step (warm-up first), MB.
   */
  gpu?: { afterLoadMb: number; afterStepMb: number[]; peakMb: number };
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * A few real training steps (the Trainer's step: lossAndGradients then AdamW) on random tokens with every position
 * in the loss, at the given shape. Meant to run alone in a fresh process (see measureInChild): peak RSS is per
 * process and the wasm heap never shrinks.
 */
export async function runCalibrationSteps(input: CalibrationOptions): Promise<CalibrationResult> {
  const o = CalibrationOptionsSchema.parse(input);
  const { tf, backend } = await initTfjs(o.backend ? { prefer: o.backend } : {});
  const gpuMb = () => mb(Number((tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0));
  const baselineRss = process.memoryUsage().rss;
  const file = await openGguf(o.modelPath);
  const t0 = performance.now();
  const model = await LlamaModel.load(file, { keepQuantized: o.quantizedBase }).finally(() => file.close());
  const loadSeconds = (performance.now() - t0) / 1000;
  const rssAfterLoad = process.memoryUsage().rss;
  const gpuAfterLoad = backend === "webgpu" ? gpuMb() : 0;
  const gpuAfterStep: number[] = [];
  const adapter = LoraAdapter.create(model.config, LoraConfigSchema.parse({ rank: o.rank, alpha: 2 * o.rank, dropout: 0, targets: o.targets }), 1);
  const optimizer = new AdamW(adapter.variables());
  const rng = new Rng(7);
  const vocab = model.config.vocabSize;
  const n = o.batchSize * o.seqLen;
  const batch = (): Batch => {
    const rows = Array.from({ length: o.batchSize }, () => Array.from({ length: o.seqLen }, () => rng.nextUint32() % vocab));
    const targets = Int32Array.from({ length: n }, () => rng.nextUint32() % vocab);
    return { inputs: rows, targets, mask: new Float32Array(n).fill(1), lossTokens: n, tokens: n, truncated: 0 };
  };
  const times: number[] = [];
  try {
    for (let i = 0; i <= o.steps; i++) {
      const start = performance.now();
      const { grads } = await lossAndGradients(model, adapter, batch(), undefined, { gradientCheckpointing: o.gradientCheckpointing });
      optimizer.apply(grads, 1e-4);
      tf.dispose(Object.values(grads));
      if (backend === "webgpu") {
        // The GPU runs the optimizer's update after apply returns: a read waits for it, so the step is timed whole.
        await adapter.variables().values().next().value!.data();
        gpuAfterStep.push(gpuMb());
      }
      if (i > 0) times.push((performance.now() - start) / 1000); // step 0 warms up (XNNPACK packs weights)
    }
  } finally {
    optimizer.dispose();
    adapter.dispose();
    model.dispose();
  }
  const secondsPerStep = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  return {
    backend,
    baselineRssMb: mb(baselineRss),
    rssAfterLoadMb: mb(rssAfterLoad),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    loadSeconds: Math.round(loadSeconds * 100) / 100,
    secondsPerStep: Math.round(secondsPerStep * 1000) / 1000,
    tokensPerSecond: Math.round((n / secondsPerStep) * 10) / 10,
    ...(backend === "webgpu" && { gpu: { afterLoadMb: gpuAfterLoad, afterStepMb: gpuAfterStep, peakMb: Math.max(gpuAfterLoad, ...gpuAfterStep) } }),
  };
}
