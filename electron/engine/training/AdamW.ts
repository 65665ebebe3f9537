import * as tf from "@tensorflow/tfjs-core";

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay (AdamW), applied as p -= lr * wd * p before the Adam update. */
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

/** Optimizer state as plain arrays, for checkpoints. */
export interface AdamWState {
  step: number;
  moments: Record<string, { m: Float32Array; v: Float32Array }>;
}

let nextOptimizerId = 0;

/**
 * AdamW as PyTorch's torch.optim.AdamW computes it, over named tfjs variables.
 * Note: our own instead of tf.train.adam because tfjs's Adam has no decoupled weight decay and keeps its
 * moments in anonymous variables that cannot be saved and restored for an exact resume.
 */
export class AdamW {
  private step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    private readonly config: AdamWConfig = DEFAULT_ADAMW,
  ) {
    // tfjs variable names are process-wide: a per-optimizer prefix lets several optimizers coexist.
    const prefix = `adamw${nextOptimizerId++}/`;
    tf.tidy(() => {
      for (const [name, p] of params) {
        this.m.set(name, tf.variable(tf.zerosLike(p), false, `${prefix}${name}/adam_m`));
        this.v.set(name, tf.variable(tf.zerosLike(p), false, `${prefix}${name}/adam_v`));
      }
    });
  }

  get stepCount(): number {
    return this.step;
  }

  /** One update with the given gradients (same names as the parameters) and learning rate. */
  apply(grads: Readonly<Record<string, tf.Tensor>>, lr: number): void {
    const missing = [...this.params.keys()].filter((name) => !grads[name]);
    if (missing.length) throw new Error(`AdamW: no gradient for parameter ${missing.join(", ")}`);
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads[name]!;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(mNew);
        v.assign(vNew);
        const update = tf.div(tf.div(mNew, bc1), tf.add(tf.sqrt(tf.div(vNew, bc2)), eps));
        const decayed = weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      }
    });
  }

  async getState(): Promise<AdamWState> {
    const moments: AdamWState["moments"] = {};
    for (const name of this.params.keys()) {
      moments[name] = { m: (await this.m.get(name)!.data()) as Float32Array, v: (await this.v.get(name)!.data()) as Float32Array };
    }
    return { step: this.step, moments };
  }

  setState(state: AdamWState): void {
    this.step = state.step;
    for (const [name, p] of this.params) {
      const s = state.moments[name];
      if (!s) throw new Error(`optimizer state has no moments for ${name}: the checkpoint belongs to another configuration`);
      tf.tidy(() => {
        this.m.get(name)!.assign(tf.tensor(s.m, p.shape));
        this.v.get(name)!.assign(tf.tensor(s.v, p.shape));
      });
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
