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
    tf.tidy(() => {
      for (const [name, p] of params) {
        this.m.set(name, tf.variable(tf.zerosLike(p), false, `${name}/adam_m`));
        this.v.set(name, tf.variable(tf.zerosLike(p), false, `${name}/adam_v`));
      }
    });
  }

  get stepCount(): number {
    return this.step;
  }

  /** One update with the given gradients (same names as the parameters) and learning rate. */
  apply(grads: Readonly<Record<string, tf.Tensor>>, lr: number): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads[name];
        if (!g) throw new Error(`AdamW: no gradient for parameter ${name}`);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const mNew = m.mul(beta1).add(g.mul(1 - beta1));
        const vNew = v.mul(beta2).add(g.square().mul(1 - beta2));
        m.assign(mNew);
        v.assign(vNew);
        const update = mNew.div(bc1).div(vNew.div(bc2).sqrt().add(eps));
        const decayed = weightDecay > 0 ? p.mul(1 - lr * weightDecay) : p;
        p.assign(decayed.sub(update.mul(lr)));
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
