import * as tf from "@tensorflow/tfjs-core";
import type { LoraAdapter, LoraWeights } from "../lora/LoraAdapter";
import type { LlamaModel } from "../model/LlamaModel";
import { Rng } from "../util/Rng";
import { AdamW } from "./AdamW";
import { saveCheckpoint, type CheckpointContent, type WriteSynced } from "./checkpointStore";
import type { RunFiles } from "./RunFiles";
import { evaluateLoss } from "./evaluateLoss";
import { learningRate } from "./learningRate";
import { lossAndGradients } from "./lossAndGradients";
import { makeBatch, type TrainingSequence } from "./makeBatch";
import type { TrainConfig } from "./TrainConfig";
import type { FinishReason, TrainingEvent } from "./trainingEvents";
import type { TrainerControl } from "./TrainerControl";

/** The loop's position and history, saved in every checkpoint. */
export interface TrainerState {
  /** Optimizer steps done. */
  step: number;
  /** Current epoch, 0-based. */
  epoch: number;
  /** Sequences of this epoch's order already consumed. */
  position: number;
  /** This epoch's permutation of the training sequences. */
  order: number[];
  /** State of the generator that seeds dropout masks. */
  dropoutRng: number[];
  bestValLoss: number | null;
  bestStep: number | null;
  evalsWithoutImprovement: number;
  lastLoss: number | null;
  truncated: number;
  elapsedMs: number;
}

export type TrainerCheckpoint = CheckpointContent<TrainerState, TrainConfig>;

export interface TrainerOptions {
  model: LlamaModel;
  adapter: LoraAdapter;
  config: TrainConfig;
  train: readonly TrainingSequence[];
  validation: readonly TrainingSequence[];
  checkpointDir: string;
  emit(event: TrainingEvent): void;
  control: TrainerControl;
  /** Continue from this checkpoint (same config and data). */
  resume?: TrainerCheckpoint;
  /** How checkpoint files are written (tests inject a full disk). */
  writeCheckpointFile?: WriteSynced;
  /** Where checkpoints go (default node:fs; a trainer window writes through the main process). */
  files?: RunFiles;
}

export interface TrainerResult {
  reason: FinishReason;
  state: TrainerState;
  last: LoraWeights;
  best: LoraWeights | null;
}

/** Optimizer steps per epoch and in all, from the data size and the config. */
export function plannedSteps(config: TrainConfig, trainCount: number): { stepsPerEpoch: number; totalSteps: number } {
  const stepsPerEpoch = Math.max(1, Math.ceil(trainCount / (config.batchSize * config.gradAccum)));
  const totalSteps = config.maxSteps > 0 ? config.maxSteps : Math.max(1, Math.ceil(config.epochs * stepsPerEpoch));
  return { stepsPerEpoch, totalSteps };
}

/**
 * The training loop: gradient accumulation, global-norm clipping, AdamW, warmup + decay, validation at a fixed
 * cadence with early stopping and the best adapter kept, atomic checkpoints, pause / resume / cancel.
 * Deterministic for a seed: a run resumed from a checkpoint computes exactly what the uninterrupted run would.
 */
export class Trainer {
  private readonly optimizer: AdamW;
  private state: TrainerState;
  private best: LoraWeights | null = null;
  private readonly dropoutRng: Rng;
  private readonly steps: { stepsPerEpoch: number; totalSteps: number };
  private peakRssMb = 0;
  private stepSecondsAvg = 0;

  constructor(private readonly o: TrainerOptions) {
    const c = o.config;
    if (o.train.length === 0) throw new Error("no training sequences");
    this.steps = plannedSteps(c, o.train.length);
    this.optimizer = new AdamW(o.adapter.variables(), { beta1: c.beta1, beta2: c.beta2, eps: c.adamEps, weightDecay: c.weightDecay });
    if (o.resume) {
      try {
        o.adapter.setWeights(o.resume.adapter);
        this.optimizer.setState(o.resume.optimizer);
      } catch (error) {
        this.optimizer.dispose(); // run() would have; a failed resume must not leak the moments
        throw error;
      }
      this.state = structuredClone(o.resume.state);
      this.best = o.resume.best;
    } else {
      this.state = {
        step: 0,
        epoch: 0,
        position: 0,
        order: epochOrder(c.seed, 0, o.train.length),
        dropoutRng: new Rng(c.seed ^ 0x5eed).state(),
        bestValLoss: null,
        bestStep: null,
        evalsWithoutImprovement: 0,
        lastLoss: null,
        truncated: 0,
        elapsedMs: 0,
      };
    }
    this.dropoutRng = Rng.fromState(this.state.dropoutRng);
  }

  get totalSteps(): number {
    return this.steps.totalSteps;
  }

  get stepsPerEpoch(): number {
    return this.steps.stepsPerEpoch;
  }

  async run(): Promise<TrainerResult> {
    const { config: c, control } = this.o;
    const evalEvery = c.evalEvery > 0 ? c.evalEvery : this.steps.stepsPerEpoch;
    let reason: FinishReason = "completed";
    try {
      while (this.state.step < this.steps.totalSteps) {
        const command = await this.obey(control);
        if (command === "cancel") {
          reason = "cancelled";
          break;
        }
        await this.optimizerStep();
        const step = this.state.step;
        const last = step === this.steps.totalSteps;
        if (this.o.validation.length > 0 && (step % evalEvery === 0 || last)) {
          if (await this.evaluate()) {
            reason = "early-stopped";
            break;
          }
        }
        if (c.checkpointEvery > 0 && step % c.checkpointEvery === 0 && !last) await this.checkpoint("interval");
      }
      await this.checkpoint(reason === "cancelled" ? "cancel" : "end");
      this.o.emit({
        type: "finished",
        reason,
        step: this.state.step,
        finalLoss: this.state.lastLoss,
        bestValLoss: this.state.bestValLoss,
        bestStep: this.state.bestStep,
      });
      return { reason, state: this.state, last: await this.o.adapter.getWeights(), best: this.best };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.o.emit({ type: "failed", step: this.state.step, error: { code: err.name, message: err.message.split("\n")[0]! }, resumable: true });
      throw error;
    } finally {
      this.optimizer.dispose();
    }
  }

  /** Handles pause and cancel requests between steps; a pause checkpoints, then waits. */
  private async obey(control: TrainerControl): Promise<"run" | "cancel"> {
    await yieldToEvents(); // let control messages arrive
    if (control.requested === "pause") {
      await this.checkpoint("pause");
      this.o.emit({ type: "paused", step: this.state.step });
      await control.whileRequested("pause");
      if (!control.cancelled) this.o.emit({ type: "resumed", step: this.state.step });
    }
    return control.cancelled ? "cancel" : "run";
  }

  private async optimizerStep(): Promise<void> {
    const { config: c, model, adapter } = this.o;
    const started = performance.now();
    let accum: Record<string, tf.Tensor> | undefined;
    let lossSum = 0;
    let tokens = 0;
    for (let micro = 0; micro < c.gradAccum; micro++) {
      const batch = makeBatch(this.nextSequences(), c.seqLen);
      this.state.truncated += batch.truncated;
      tokens += batch.tokens;
      const dropoutSeed = c.lora.dropout > 0 ? () => this.dropoutRng.nextUint32() : undefined;
      const { loss, grads } = await lossAndGradients(model, adapter, batch, dropoutSeed, { gradientCheckpointing: c.gradientCheckpointing });
      lossSum += loss;
      if (!accum) accum = grads;
      else {
        for (const [name, g] of Object.entries(grads)) {
          const sum = tf.add(accum[name]!, g);
          accum[name]!.dispose();
          g.dispose();
          accum[name] = sum;
        }
      }
      this.samplePeakRss();
      await yieldToEvents();
    }
    const { gradNorm, grads } = await clipAndAverage(accum!, c.gradAccum, c.maxGradNorm);
    const lr = learningRate(this.state.step, {
      lr: c.lr,
      schedule: c.schedule,
      warmupSteps: Math.round(c.warmupRatio * this.steps.totalSteps),
      totalSteps: this.steps.totalSteps,
      minLrRatio: c.minLrRatio,
    });
    this.optimizer.apply(grads, lr);
    tf.dispose(Object.values(grads));
    this.state.step += 1;
    this.state.lastLoss = lossSum / c.gradAccum;
    this.state.dropoutRng = this.dropoutRng.state();
    const seconds = (performance.now() - started) / 1000;
    this.state.elapsedMs += seconds * 1000;
    this.stepSecondsAvg = this.stepSecondsAvg === 0 ? seconds : 0.8 * this.stepSecondsAvg + 0.2 * seconds;
    this.o.emit({
      type: "step",
      step: this.state.step,
      totalSteps: this.steps.totalSteps,
      epoch: this.state.epoch + this.state.position / this.o.train.length,
      loss: this.state.lastLoss,
      lr,
      gradNorm,
      tokensPerSecond: tokens / seconds,
      etaSeconds: this.stepSecondsAvg * (this.steps.totalSteps - this.state.step),
      elapsedSeconds: this.state.elapsedMs / 1000,
      peakRssMb: this.peakRssMb,
      truncated: this.state.truncated,
      norms: await adapter.norms(),
    });
  }

  /** The next batch's sequences in this epoch's order; a new epoch reshuffles. Batches never straddle epochs. */
  private nextSequences(): TrainingSequence[] {
    const n = this.o.train.length;
    if (this.state.position >= n) {
      this.state.epoch += 1;
      this.state.position = 0;
      this.state.order = epochOrder(this.o.config.seed, this.state.epoch, n);
    }
    const take = this.state.order.slice(this.state.position, this.state.position + this.o.config.batchSize);
    this.state.position += take.length;
    return take.map((i) => this.o.train[i]!);
  }

  /** Runs validation; returns true when early stopping says to stop. */
  private async evaluate(): Promise<boolean> {
    const { config: c } = this.o;
    const valLoss = await evaluateLoss(this.o.model, this.o.adapter, this.o.validation, c.batchSize, c.seqLen);
    // No completion token within seqLen in any validation sequence: nothing to judge by (prepared data never does this).
    if (!Number.isFinite(valLoss)) return false;
    const s = this.state;
    const improved = s.bestValLoss === null || valLoss < s.bestValLoss - c.earlyStopMinDelta;
    if (improved) {
      s.bestValLoss = valLoss;
      s.bestStep = s.step;
      s.evalsWithoutImprovement = 0;
      this.best = await this.o.adapter.getWeights();
    } else {
      s.evalsWithoutImprovement += 1;
    }
    this.o.emit({ type: "eval", step: s.step, valLoss, bestValLoss: s.bestValLoss!, improved, evalsWithoutImprovement: s.evalsWithoutImprovement });
    return c.earlyStopPatience > 0 && s.evalsWithoutImprovement >= c.earlyStopPatience;
  }

  private async checkpoint(reason: "interval" | "pause" | "cancel" | "end"): Promise<void> {
    const path = await saveCheckpoint(this.o.checkpointDir, this.state.step, {
      state: this.state,
      config: this.o.config,
      adapter: await this.o.adapter.getWeights(),
      best: this.best,
      optimizer: await this.optimizer.getState(),
    }, { ...(this.o.writeCheckpointFile ? { write: this.o.writeCheckpointFile } : {}), ...(this.o.files ? { files: this.o.files } : {}) });
    this.o.emit({ type: "checkpoint", step: this.state.step, path, reason });
  }

  private samplePeakRss(): void {
    // A browser page (the trainer window) has no process: its memory is the GPU's and the renderer's, not measured here.
    if (typeof process === "undefined" || typeof process.resourceUsage !== "function") return;
    this.peakRssMb = Math.max(this.peakRssMb, process.resourceUsage().maxRSS / 1024);
  }
}

/** Lets pending messages (pause, cancel) run: setImmediate in Node; a browser page (the trainer window) has none. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** The permutation of the training data for one epoch: a function of the seed and the epoch only. */
export function epochOrder(seed: number, epoch: number, n: number): number[] {
  return new Rng((seed + Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).shuffle(Array.from({ length: n }, (_, i) => i));
}

/** Averages accumulated gradients and scales them to maxNorm (0: no clipping); returns the norm before clipping. */
async function clipAndAverage(accum: Record<string, tf.Tensor>, count: number, maxNorm: number): Promise<{ gradNorm: number; grads: Record<string, tf.Tensor> }> {
  const names = Object.keys(accum);
  // Note: a chain of adds, not tf.addN: webgpu's AddN binds every input at once and fails past the adapter's
  // storage-buffer limit per shader (8 on many GPUs; an adapter on all seven projections has 4 tensors per layer).
  const normTensor = tf.tidy(() => tf.sqrt(names.map((n) => tf.sum(tf.square(accum[n]!))).reduce((sum, x) => tf.add(sum, x))).div(count));
  const gradNorm = (await normTensor.data())[0]!;
  normTensor.dispose();
  const factor = (maxNorm > 0 && gradNorm > maxNorm ? maxNorm / gradNorm : 1) / count;
  const grads: Record<string, tf.Tensor> = {};
  for (const n of names) {
    grads[n] = tf.mul(accum[n]!, factor);
    accum[n]!.dispose();
  }
  return { gradNorm, grads };
}
