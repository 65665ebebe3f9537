/**
 * A 20-step training run on the webgpu backend (Dawn on SwiftShader here: correctness, never speed) tracks the
 * same run on wasm (loss within 1e-2 relative at every step), keeps the tensor count flat across steps, and its
 * exported adapter agrees with llama.cpp + that adapter (<= 5e-3 nats, llama.cpp's F16 KV cache as shipped).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { scoreWithLlamaCpp } from "../../../electron/engine/inference/scoreWithLlamaCpp";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { writeLoraGguf } from "../../../electron/engine/lora/writeLoraGguf";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import type { TrainingSequence } from "../../../electron/engine/training/makeBatch";
import { Trainer } from "../../../electron/engine/training/Trainer";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import { initTfjs, releaseTfjs } from "../../../native-deps/tfjsBackend";
import { useSwiftShader } from "../../native-deps/swiftShader";
import { seededRandom } from "../model/randomModel";

const STEPS = 20;
const LOSS_TOLERANCE = 1e-2;
const LLAMA_CPP_TOLERANCE = 5e-3;

const skip = useSwiftShader();
if (skip) console.info(`webgpu training tests skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), "lora-studio-webgpu-train-"));
const basePath = join(dir, "base.gguf");
let train: TrainingSequence[];
let validation: TrainingSequence[];
const config = TrainConfigSchema.parse({
  lr: 1e-2,
  batchSize: 1,
  gradAccum: 1,
  maxSteps: STEPS,
  evalEvery: 10,
  checkpointEvery: 0,
  seqLen: 16,
  earlyStopPatience: 0,
  // Small on purpose: SwiftShader runs each matmul on the CPU through a shader (~45 ms for 64x64x64 on a busy
  // 2-core machine), so every projection adapted costs seconds over the run.
  lora: { rank: 4, alpha: 8, dropout: 0, targets: ["q", "v", "down"] },
  seed: 3,
});

beforeAll(async () => {
  if (skip) return;
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: basePath, seed: 5 });
  // Short sequences with a pattern to learn (each token follows from the one before), prompts masked out.
  const sequence = (start: number): TrainingSequence => {
    const tokens = Array.from({ length: 17 }, (_, i) => 100 + ((start + 7 * i) % 50));
    return { tokens, lossMask: tokens.map((_, i) => (i >= 4 ? 1 : 0)) };
  };
  train = Array.from({ length: 10 }, (_, i) => sequence(3 * i));
  validation = [sequence(31), sequence(47)];
});
afterAll(async () => {
  await releaseTfjs();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  losses: number[];
  valLosses: number[];
  tensors: number[];
  adapterPath: string;
  /** Logprobs of `probe` under base + adapter, computed by the engine on this run's backend. */
  tunedLogprobs: Float32Array;
  baseLogprobs: Float32Array;
}

async function trainOn(backend: "wasm" | "webgpu", probe: number[]): Promise<Run> {
  await releaseTfjs();
  const { tf } = await initTfjs({ prefer: backend });
  expect(tf.getBackend()).toBe(backend);
  const file = await openGguf(basePath);
  const model = await LlamaModel.load(file).finally(() => file.close());
  const adapter = LoraAdapter.create(model.config, config.lora, config.seed);
  const run: Run = { losses: [], valLosses: [], tensors: [], adapterPath: join(dir, `${backend}.gguf`), tunedLogprobs: new Float32Array(), baseLogprobs: new Float32Array() };
  try {
    const trainer = new Trainer({
      model,
      adapter,
      config,
      train,
      validation,
      checkpointDir: join(dir, `${backend}-checkpoints`),
      control: new TrainerControl(),
      emit: (e) => {
        if (e.type === "step") {
          run.losses.push(e.loss);
          run.tensors.push(tf.memory().numTensors);
        }
        if (e.type === "eval") run.valLosses.push(e.valLoss);
      },
    });
    const result = await trainer.run();
    await writeLoraGguf(run.adapterPath, result.last, config.lora, model.config.arch);
    run.tunedLogprobs = await model.logprobs(probe, adapter.hooks());
    run.baseLogprobs = await model.logprobs(probe);
    return run;
  } finally {
    adapter.dispose();
    model.dispose();
  }
}

describe.skipIf(skip)("training on webgpu", () => {
  it("tracks the wasm run step by step, with a flat tensor count, and exports an adapter llama.cpp agrees with", async () => {
    const rng = seededRandom(8);
    const probe = Array.from({ length: 24 }, () => Math.floor(rng.uniform() * 2048));
    const wasm = await trainOn("wasm", probe);
    const gpu = await trainOn("webgpu", probe);

    expect(gpu.losses).toHaveLength(STEPS);
    expect(wasm.losses).toHaveLength(STEPS);
    const relative = gpu.losses.map((l, i) => Math.abs(l - wasm.losses[i]!) / Math.abs(wasm.losses[i]!));
    const worst = Math.max(...relative);
    expect(gpu.valLosses).toHaveLength(2);
    expect(wasm.valLosses).toHaveLength(2);
    const valRelative = gpu.valLosses.map((l, i) => Math.abs(l - wasm.valLosses[i]!) / wasm.valLosses[i]!);
    // The run learns: the loss falls (so tracking it is not tracking a constant).
    expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]! * 0.9);

    // Tensor count flat: the first step caches the RoPE tables and mask of its length.
    expect(new Set(gpu.tensors.slice(1)).size, `tensors per step: ${gpu.tensors.join(",")}`).toBe(1);

    const ref = await scoreWithLlamaCpp(basePath, probe, { kvCache: "F16", loras: [{ filePath: gpu.adapterPath }] });
    const llamaCpp = Math.max(...ref.map((r, i) => Math.abs(r - gpu.tunedLogprobs[i]!)));
    const adapterEffect = Math.max(...gpu.tunedLogprobs.map((t, i) => Math.abs(t - gpu.baseLogprobs[i]!)));
    console.info(
      `webgpu vs wasm, 20 steps: worst loss difference ${worst.toExponential(2)} relative (validation ${Math.max(...valRelative).toExponential(2)}); ` +
        `losses ${gpu.losses[0]!.toFixed(3)} -> ${gpu.losses.at(-1)!.toFixed(3)}; tensors per step ${gpu.tensors[1]}; ` +
        `exported adapter vs llama.cpp ${llamaCpp.toExponential(2)} nats (the adapter moves logprobs by up to ${adapterEffect.toFixed(3)})`,
    );
    console.info(`losses: webgpu ${gpu.losses.map((l) => l.toFixed(4)).join(" ")}; wasm ${wasm.losses.map((l) => l.toFixed(4)).join(" ")}`);
    for (const [i, r] of relative.entries()) expect(r, `step ${i + 1}: webgpu ${gpu.losses[i]} vs wasm ${wasm.losses[i]}`).toBeLessThanOrEqual(LOSS_TOLERANCE);
    for (const r of valRelative) expect(r).toBeLessThanOrEqual(LOSS_TOLERANCE);
    expect(adapterEffect).toBeGreaterThan(10 * LLAMA_CPP_TOLERANCE);
    expect(llamaCpp).toBeLessThanOrEqual(LLAMA_CPP_TOLERANCE);
  }, 600_000);
});
