import * as tf from "@tensorflow/tfjs-core";
import type { ModelConfig } from "../model/ModelConfig";
import { PROJECTION_TENSOR, type Projection } from "../model/ModelWeights";
import type { LinearHooks } from "../model/LlamaModel";
import { Rng } from "../util/Rng";
import { loraScale, rankOf, type LoraConfig } from "./LoraConfig";

/** One adapted projection: A [in, r] and B [r, out] as trainable variables. */
export interface LoraPair {
  layer: number;
  proj: Projection;
  /** GGUF base tensor name, e.g. blk.3.attn_q.weight; the adapter's tensors are <base>.lora_a / .lora_b. */
  baseName: string;
  a: tf.Variable;
  b: tf.Variable;
  scale: number;
}

/** Plain-array copy of the adapter weights, as stored in checkpoints: name -> values in the variable's shape. */
export type LoraWeights = Record<string, { shape: number[]; values: Float32Array }>;

let nextAdapterId = 0;

/** Input and output width of each projection of a model. */
export function projectionShape(model: ModelConfig, proj: Projection): { inDim: number; outDim: number } {
  const q = model.nHead * model.headDim;
  const kv = model.nHeadKv * model.headDim;
  switch (proj) {
    case "q":
      return { inDim: model.nEmbd, outDim: q };
    case "k":
    case "v":
      return { inDim: model.nEmbd, outDim: kv };
    case "o":
      return { inDim: q, outDim: model.nEmbd };
    case "gate":
    case "up":
      return { inDim: model.nEmbd, outDim: model.nFf };
    case "down":
      return { inDim: model.nFf, outDim: model.nEmbd };
    default:
      return proj satisfies never;
  }
}

/**
 * LoRA adapters on a frozen model: y = base(x) + B(A(dropout(x))) · scale, as in PEFT.
 * A starts Kaiming-uniform (PEFT's kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in))), B at zero,
 * so a new adapter leaves the model's outputs exactly unchanged.
 */
export class LoraAdapter {
  readonly pairs: LoraPair[];
  private readonly byKey: Map<string, LoraPair>;

  private constructor(
    readonly config: LoraConfig,
    pairs: LoraPair[],
  ) {
    this.pairs = pairs;
    this.byKey = new Map(pairs.map((p) => [`${p.layer}.${p.proj}`, p]));
  }

  /** New adapters for every target projection of every layer; A drawn from `seed`. */
  static create(model: ModelConfig, config: LoraConfig, seed: number): LoraAdapter {
    const rng = new Rng(seed);
    // tfjs variable names are process-wide; a per-adapter prefix lets several adapters coexist (tests, A/B).
    const prefix = `lora${nextAdapterId++}/`;
    const pairs: LoraPair[] = [];
    for (let layer = 0; layer < model.nLayer; layer++) {
      const r = rankOf(config, layer);
      for (const proj of config.targets) {
        const { inDim, outDim } = projectionShape(model, proj);
        const bound = 1 / Math.sqrt(inDim);
        const aInit = new Float32Array(inDim * r);
        for (let i = 0; i < aInit.length; i++) aInit[i] = (rng.float() * 2 - 1) * bound;
        const baseName = `blk.${layer}.${PROJECTION_TENSOR[proj]}.weight`;
        // Note: variables are created inside tidy so their initial-value tensors do not stay alive.
        const [a, b] = tf.tidy(() => [
          tf.variable(tf.tensor2d(aInit, [inDim, r]), true, `${prefix}${baseName}.lora_a`),
          tf.variable(tf.zeros([r, outDim]), true, `${prefix}${baseName}.lora_b`),
        ]);
        pairs.push({ layer, proj, baseName, a: a!, b: b!, scale: loraScale(config, layer) });
      }
    }
    return new LoraAdapter(config, pairs);
  }

  /** Every trainable variable by its GGUF adapter tensor name (<base>.lora_a / .lora_b). */
  variables(): Map<string, tf.Variable> {
    const vars = new Map<string, tf.Variable>();
    for (const p of this.pairs) {
      vars.set(`${p.baseName}.lora_a`, p.a);
      vars.set(`${p.baseName}.lora_b`, p.b);
    }
    return vars;
  }

  trainableParameters(): number {
    return this.pairs.reduce((n, p) => n + p.a.size + p.b.size, 0);
  }

  /**
   * The forward hooks that add the adapters. `dropoutSeed` is called once per adapted projection per forward
   * when training with dropout, so the masks come from the run's own seeded generator and a resumed run
   * draws the same ones.
   */
  hooks(options: { dropoutSeed?: () => number } = {}): LinearHooks {
    const rate = this.config.dropout;
    return (layer, proj, x, baseOut) => {
      const pair = this.byKey.get(`${layer}.${proj}`);
      if (!pair) return baseOut;
      const input = options.dropoutSeed && rate > 0 ? tf.dropout(x, rate, undefined, options.dropoutSeed()) : x;
      const delta = tf.matMul(tf.matMul(input as tf.Tensor2D, pair.a), pair.b);
      return tf.add(baseOut, tf.mul(delta, pair.scale));
    };
  }

  /** Frobenius norms of each pair's A and B (vanishing or exploding updates show here first). */
  async norms(): Promise<{ layer: number; proj: Projection; a: number; b: number }[]> {
    const tensors = tf.tidy(() => tf.stack(this.pairs.flatMap((p) => [tf.norm(p.a), tf.norm(p.b)])));
    const values = await tensors.data();
    tensors.dispose();
    return this.pairs.map((p, i) => ({ layer: p.layer, proj: p.proj, a: values[2 * i]!, b: values[2 * i + 1]! }));
  }

  async getWeights(): Promise<LoraWeights> {
    const out: LoraWeights = {};
    for (const [name, v] of this.variables()) out[name] = { shape: v.shape, values: (await v.data()) as Float32Array };
    return out;
  }

  setWeights(weights: LoraWeights): void {
    for (const [name, v] of this.variables()) {
      const w = weights[name];
      if (!w) throw new Error(`adapter weights have no tensor ${name}: they were saved for another LoRA configuration`);
      if (w.shape.join("x") !== v.shape.join("x")) {
        throw new Error(`adapter tensor ${name} has shape ${w.shape.join("x")}, expected ${v.shape.join("x")}`);
      }
      tf.tidy(() => v.assign(tf.tensor(w.values, v.shape)));
    }
  }

  dispose(): void {
    for (const v of this.variables().values()) v.dispose();
  }
}
