import * as tf from "@tensorflow/tfjs-core";
import type { LoraAdapter } from "../lora/LoraAdapter";
import type { LlamaModel } from "../model/LlamaModel";
import { rmsNorm } from "../model/rmsNorm";

export interface CheckpointedHiddenOptions {
  /** Draws one dropout seed per adapted projection per forward, as LoraAdapter.hooks takes it; absent: no dropout. */
  dropoutSeed?: () => number;
}

/**
 * The final-normed hidden states [B*T, nEmbd], like `model.hidden(tokens, ctx with adapter hooks)`, but with
 * gradient checkpointing: each block is one tf.customGrad op whose inputs are the block's input x and the
 * block's LoRA A/B variables. Its forward runs untaped (tfjs records nothing inside a custom op) and saves
 * only x; its gradient recomputes the block under a nested tape and differentiates that. Peak memory holds
 * one block's activations instead of all of them, for about one more forward pass of compute.
 *
 * Note: dropout masks are the same in the recompute because each block records the seeds its hooks draw in
 * the forward and replays them; the seeds are drawn in the same order as without checkpointing, so a run
 * gives the same gradients (and draws the same numbers from the trainer's generator) either way.
 */
export function checkpointedHidden(model: LlamaModel, tokens: number[][], adapter: LoraAdapter, options: CheckpointedHiddenOptions = {}): tf.Tensor2D {
  const ctx = model.context(tokens);
  return tf.tidy(() => {
    let x = model.embed(tokens);
    for (let layer = 0; layer < model.config.nLayer; layer++) {
      // Block 0's input is the frozen embedding: nothing upstream needs its gradient.
      x = checkpointedBlock(model, adapter, layer, { batch: ctx.batch, seqLen: ctx.seqLen }, layer > 0, options.dropoutSeed)(x);
    }
    return rmsNorm(x, model.weights.outputNorm, model.config.rmsEps);
  });
}

/** One block as a custom-gradient op x -> block(x) that recomputes itself in the backward pass. */
function checkpointedBlock(
  model: LlamaModel,
  adapter: LoraAdapter,
  layer: number,
  shape: { batch: number; seqLen: number },
  inputNeedsGrad: boolean,
  dropoutSeed: (() => number) | undefined,
): (x: tf.Tensor2D) => tf.Tensor2D {
  const vars: tf.Variable[] = adapter.pairs.filter((p) => p.layer === layer).flatMap((p) => [p.a, p.b]);
  const seeds: number[] = [];
  let replayAt = -1;
  const seeder = dropoutSeed
    ? () => {
        if (replayAt < 0) {
          const s = dropoutSeed();
          seeds.push(s);
          return s;
        }
        if (replayAt >= seeds.length) throw new Error(`checkpointed block ${layer} drew more dropout seeds in its recompute than in its forward`);
        return seeds[replayAt++]!;
      }
    : undefined;
  const ctx = { ...shape, hooks: adapter.hooks(seeder ? { dropoutSeed: seeder } : {}) };
  const run = (x: tf.Tensor2D) => model.block(layer, x, ctx);

  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([x]);
    return {
      value: run(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const savedX = saved[0] as tf.Tensor2D;
        replayAt = 0;
        const { grads } = nestedGradients(() => run(savedX), inputNeedsGrad ? [savedX, ...vars] : vars, dy);
        return inputNeedsGrad ? grads : [tf.zerosLike(savedX), ...grads];
      },
    };
  });
  // Variables go in as inputs so that the outer tape links them to the loss through this op.
  return (x) => op(x, ...vars) as tf.Tensor2D;
}

/**
 * engine.gradients during an outer backward pass. Note: a nested tape at gradient depth 0 replaces the engine's
 * active tape and nulls it when done; the outer backward still needs its tape afterwards to dispose the tensors
 * it saved, so it is put back.
 */
function nestedGradients(f: () => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): { grads: tf.Tensor[] } {
  const engine = tf.engine();
  const outerTape = engine.state.activeTape;
  try {
    const { value, grads } = engine.gradients(f, xs, dy, true);
    value.dispose();
    return { grads: grads.map((g, i) => g ?? tf.zerosLike(xs[i]!)) };
  } finally {
    engine.state.activeTape = outerTape;
  }
}
