/**
 * Bundled for a browser page by webgpuPage.test.ts: one LoRA training step (loss and gradients) of the engine on
 * Chromium's own WebGPU, as a hidden trainer window in the Electron app would run it (electron/worker/README.md).
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-webgpu";
import { LoraAdapter } from "../../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../../electron/engine/model/LlamaModel";
import { lossAndGradients } from "../../../../electron/engine/training/lossAndGradients";
import { registerWebgpuKernelFixes } from "../../../../native-deps/webgpu/registerWebgpuKernelFixes";
import { randomModel, type RandomModelSpec } from "../../model/randomModel";
import type { Batch } from "../../../../electron/engine/training/makeBatch";

export interface PageStepInput {
  spec: RandomModelSpec;
  seed: number;
  tokens: number[];
}

export interface PageStepResult {
  backend: string;
  adapter: string;
  loss: number;
  grads: Record<string, number[]>;
}

async function trainStep(input: PageStepInput): Promise<PageStepResult> {
  if (!(await tf.setBackend("webgpu"))) throw new Error("no WebGPU in this page");
  registerWebgpuKernelFixes(tf); // the same kernel fixes as in Node (no Node API in that module)
  const model = await LlamaModel.load(randomModel(input.spec, input.seed).source);
  const adapter = LoraAdapter.create(model.config, LoraConfigSchema.parse({ rank: 2, alpha: 4, dropout: 0 }), 3);
  // B is zero at creation: set it so that every gradient is non-zero.
  const weights = await adapter.getWeights();
  for (const [name, w] of Object.entries(weights)) if (name.endsWith(".lora_b")) w.values.forEach((_, i) => (w.values[i] = Math.sin(i + 1) * 0.2));
  adapter.setWeights(weights);
  const T = input.tokens.length - 1;
  const batch: Batch = { inputs: [input.tokens.slice(0, T)], targets: Int32Array.from(input.tokens.slice(1)), mask: new Float32Array(T).fill(1), lossTokens: T, tokens: T, truncated: 0 };
  const { loss, grads } = await lossAndGradients(model, adapter, batch);
  const out: Record<string, number[]> = {};
  for (const [name, g] of Object.entries(grads)) {
    out[name] = Array.from(await g.data());
    g.dispose();
  }
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  adapter.dispose();
  model.dispose();
  return { backend: tf.getBackend(), adapter: [info?.vendor, info?.architecture].filter(Boolean).join(" "), loss, grads: out };
}

(globalThis as { trainStep?: typeof trainStep }).trainStep = trainStep;
