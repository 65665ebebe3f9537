import * as tf from "@tensorflow/tfjs-core";
import type { LoraAdapter } from "../lora/LoraAdapter";
import type { LlamaModel } from "../model/LlamaModel";
import type { Batch } from "./makeBatch";
import { maskedCrossEntropy } from "./maskedCrossEntropy";

export interface LossAndGradients {
  loss: number;
  /** Gradients by adapter tensor name (<base>.lora_a / .lora_b); the caller disposes them. */
  grads: Record<string, tf.Tensor>;
}

/**
 * Loss of one micro-batch and its gradients with respect to the adapter's variables only (the frozen base
 * weights are plain tensors, so tfjs never differentiates them).
 */
export function lossAndGradients(model: LlamaModel, adapter: LoraAdapter, batch: Batch, dropoutSeed?: () => number): LossAndGradients {
  const vars = adapter.variables();
  const names = new Map([...vars].map(([name, v]) => [v.name, name]));
  const hooks = adapter.hooks(dropoutSeed ? { dropoutSeed } : {});
  const { value, grads } = tf.variableGrads(() => maskedCrossEntropy(model, batch, hooks), [...vars.values()]);
  const loss = value.dataSync()[0]!;
  value.dispose();
  const byName: Record<string, tf.Tensor> = {};
  for (const [tfName, g] of Object.entries(grads)) byName[names.get(tfName)!] = g;
  return { loss, grads: byName };
}
