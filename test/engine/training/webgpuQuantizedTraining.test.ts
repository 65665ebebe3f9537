/**
 * A base kept quantized trains on webgpu from its GGUF blocks on the GPU (native-deps/webgpu/quantizedMatMulProgram.ts)
 * like its dequantized float32 twin: loss within 1e-4 relative at every step, for a model whose projections are
 * Q4_K, Q5_K, Q6_K, Q4_0, Q8_0, BF16 and F16 (test/helpers/mixedQuantModel.ts). Its projections live on the GPU as
 * their quantized bytes: GPU memory for them is the quantized size, not 4 bytes per weight; the tied head has no
 * float32 copy (the loss and the logits read the embedding's blocks) and scores like the twin.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { weightTensors } from "../../../electron/engine/model/ModelWeights";
import type { TrainingSequence } from "../../../electron/engine/training/makeBatch";
import { Trainer } from "../../../electron/engine/training/Trainer";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { writeMixedQuantModel } from "../../helpers/mixedQuantModel";
import { useSwiftShader } from "../../native-deps/swiftShader";

const STEPS = 3;
const skip = useSwiftShader();
if (skip) console.info(`webgpu quantized training test skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), "lora-studio-webgpu-quant-train-"));
let path: string;
let tf: Awaited<ReturnType<typeof initTfjs>>["tf"];
const config = TrainConfigSchema.parse({
  lr: 1e-2,
  batchSize: 1,
  gradAccum: 1,
  maxSteps: STEPS,
  checkpointEvery: 0,
  seqLen: 16,
  earlyStopPatience: 0,
  lora: { rank: 4, alpha: 8, dropout: 0, targets: ["q", "v", "down"] },
  seed: 3,
});
const train: TrainingSequence[] = Array.from({ length: 6 }, (_, s) => {
  const tokens = Array.from({ length: 17 }, (_, i) => 100 + ((3 * s + 7 * i) % 50));
  return { tokens, lossMask: tokens.map((_, i) => (i >= 4 ? 1 : 0)) };
});

/** The mixed-type model cut to its first LAYERS blocks (SwiftShader runs every shader on the CPU). */
const LAYERS = 2;
async function writeShortMixedModel(): Promise<string> {
  const file = await openGguf(await writeMixedQuantModel(dir, "mixed"));
  const kvs = file.kvs.map((kv) => (kv.key.endsWith(".block_count") && kv.type !== 9 ? { ...kv, value: LAYERS } : kv));
  const keep = file.tensors.filter((t) => !t.name.startsWith("blk.") || Number(t.name.split(".")[1]) < LAYERS);
  const tensors = await Promise.all(keep.map(async (t) => ({ name: t.name, dims: t.dims, type: t.type, data: await file.readTensorBytes(t.name) })));
  await file.close();
  const out = join(dir, "mixed-short.gguf");
  await writeGguf(out, kvs, tensors);
  return out;
}

beforeAll(async () => {
  if (skip) return;
  path = await writeShortMixedModel();
  ({ tf } = await initTfjs({ prefer: "webgpu" }));
  expect(tf.getBackend()).toBe("webgpu");
});
afterAll(async () => {
  await releaseTfjs();
  rmSync(dir, { recursive: true, force: true });
});

const PROBE = Array.from({ length: 20 }, (_, i) => (i * 211 + 7) % 4096);

async function run(keepQuantized: boolean): Promise<{ losses: number[]; projectionBytes: number; quantizedBytes: number; gpuBlocks: number; logprobs: Float32Array }> {
  const file = await openGguf(path);
  const model = await LlamaModel.load(file, { keepQuantized }).finally(() => file.close());
  const adapter = LoraAdapter.create(model.config, config.lora, config.seed);
  const losses: number[] = [];
  try {
    const trainer = new Trainer({ model, adapter, config, train, validation: [], checkpointDir: join(dir, `ckpt-${keepQuantized}`), control: new TrainerControl(), emit: (e) => e.type === "step" && losses.push(e.loss) });
    await trainer.run();
    // GPU bytes of the projections: float32 tensors for the twin, the uploaded blocks when kept quantized.
    const layers = model.weights.quantized?.layers ?? [];
    const blocks = layers.flatMap((l) => Object.values(l.proj).map(({ w }) => w.gpu));
    const projectionBytes = keepQuantized
      ? blocks.reduce((n, chunks) => n + (chunks ?? []).reduce((k, c) => k + c.blocks.size * 4, 0), 0)
      : model.weights.layers.flatMap((l) => Object.values(l.proj).map(({ w }) => w.size * 4)).reduce((a, b) => a + b, 0);
    expect(weightTensors(model.weights).every((t) => !t.isDisposed)).toBe(true);
    // The tied head kept quantized has no float32 copy on webgpu: logits come from the embedding's blocks.
    expect(model.weights.output === undefined).toBe(keepQuantized);
    const logprobs = await model.logprobs(PROBE, adapter.hooks());
    const quantizedBytes = layers.flatMap((l) => Object.values(l.proj).map(({ w }) => Math.ceil(w.bytes.byteLength / 4) * 4)).reduce((a, b) => a + b, 0);
    return { losses, projectionBytes, quantizedBytes, gpuBlocks: blocks.filter(Boolean).length, logprobs };
  } finally {
    adapter.dispose();
    model.dispose();
  }
}

describe.skipIf(skip)("a kept-quantized base trains on webgpu from its blocks", () => {
  it("loss equals the float32 twin's within 1e-4 at every step; the projections take their quantized size on the GPU", async () => {
    const twin = await run(false);
    const quantized = await run(true);
    expect(quantized.gpuBlocks).toBe(LAYERS * 7); // every projection of every block ran from its blocks
    const relative = quantized.losses.map((l, i) => Math.abs(l - twin.losses[i]!) / twin.losses[i]!);
    console.info(
      `webgpu kept quantized vs float32 twin, ${STEPS} steps: worst loss difference ${Math.max(...relative).toExponential(2)} relative; ` +
        `losses ${quantized.losses.map((l) => l.toFixed(5)).join(" ")}; projections on the GPU ${quantized.projectionBytes} bytes vs ${twin.projectionBytes} in float32`,
    );
    expect(quantized.losses).toHaveLength(STEPS);
    expect(new Set(quantized.losses).size).toBe(STEPS); // the adapter moves: not a constant compared with itself
    for (const [i, r] of relative.entries()) expect(r, `step ${i + 1}: ${quantized.losses[i]} vs ${twin.losses[i]}`).toBeLessThanOrEqual(1e-4);
    // Q4_K/Q5_K/Q6_K/Q4_0/Q8_0 are 4.5-8.5 bits a weight, BF16/F16 (up, down: the largest here) 16.
    expect(quantized.projectionBytes).toBe(quantized.quantizedBytes);
    // Scoring with the trained adapter through the head read from the blocks: the same log-probabilities.
    expect(Math.max(...quantized.logprobs.map((v, i) => Math.abs(v - twin.logprobs[i]!)))).toBeLessThanOrEqual(1e-4);
    expect(quantized.projectionBytes).toBeLessThan(twin.projectionBytes / 2.5);
  }, 600_000);
});
