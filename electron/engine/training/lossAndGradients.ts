import * as tf from "@tensorflow/tfjs-core";
import type { LoraAdapter } from "../lora/LoraAdapter";
import type { LlamaModel } from "../model/LlamaModel";
import { checkpointedHidden } from "./checkpointedHidden";
import type { Batch } from "./makeBatch";
import { maskedCrossEntropy } from "./maskedCrossEntropy";

export interface LossAndGradients {
  loss: number;
  /** Gradients by adapter tensor name (<base>.lora_a / .lora_b); the caller disposes them. */
  grads: Record<string, tf.Tensor>;
}

export interface LossAndGradientsOptions {
  /** Recompute each block in the backward pass instead of keeping its activations (TrainConfig.gradientCheckpointing). */
  gradientCheckpointing?: boolean;
}

/**
 * Loss of one micro-batch and its gradients with respect to the adapter's variables only (the frozen base
 * weights are plain tensors, so tfjs never differentiates them). With gradient checkpointing the result is
 * the same (the same dropout masks included); only peak memory and time differ. The loss is read
 * asynchronously, as every engine read is (see test/engine/asyncReads.test.ts).
 */
export async function lossAndGradients(
  model: LlamaModel,
  adapter: LoraAdapter,
  batch: Batch,
  dropoutSeed?: () => number,
  options: LossAndGradientsOptions = {},
): Promise<LossAndGradients> {
  const vars = adapter.variables();
  const names = new Map([...vars].map(([name, v]) => [v.name, name]));
  const seeding = dropoutSeed ? { dropoutSeed } : {};
  const loss = options.gradientCheckpointing
    ? () => maskedCrossEntropy(model, batch, undefined, checkpointedHidden(model, batch.inputs, adapter, seeding))
    : () => maskedCrossEntropy(model, batch, adapter.hooks(seeding));
  const { value, grads } = tf.variableGrads(loss, [...vars.values()]);
  // Note: an asynchronous read: the webgpu backend in Node has no synchronous one (it needs an OffscreenCanvas).
  const lossValue = (await value.data())[0]!;
  value.dispose();
  const byName: Record<string, tf.Tensor> = {};
  for (const [tfName, g] of Object.entries(grads)) byName[names.get(tfName)!] = g;
  return { loss: lossValue, grads: byName };
}
