/**
 * A run folder as `lora-studio train` leaves it (run.json, adapter.gguf, data/dataset.json), with a random
 * adapter instead of a trained one: every target gets non-zero A and B, so an export error anywhere shows.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelShape } from "../../../electron/engine/gguf/tiny/presets";
import type { LoraWeights } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema, type LoraConfig } from "../../../electron/engine/lora/LoraConfig";
import { writeLoraGguf } from "../../../electron/engine/lora/writeLoraGguf";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { seededRandom } from "../model/randomModel";
import { projectionWidths } from "../../helpers/projectionWidths";

export const STEMS = { q: "attn_q", k: "attn_k", v: "attn_v", o: "attn_output", gate: "ffn_gate", up: "ffn_up", down: "ffn_down" } as const;
export type Proj = keyof typeof STEMS;
export const ALL_TARGETS = Object.keys(STEMS) as Proj[];


/** Our trainable layout (A [in, r], B [r, out]) with random values; B std `bStd`. */
export function randomLoraWeights(shape: ModelShape, lora: LoraConfig, seed: number, bStd = 0.02): LoraWeights {
  const rng = seededRandom(seed);
  const w: LoraWeights = {};
  for (let layer = 0; layer < shape.layers; layer++) {
    const r = lora.layerRanks[String(layer)] ?? lora.rank;
    for (const proj of lora.targets) {
      const [inDim, outDim] = projectionWidths(shape, proj);
      const base = `blk.${layer}.${STEMS[proj]}.weight`;
      w[`${base}.lora_a`] = { shape: [inDim, r], values: Float32Array.from({ length: inDim * r }, () => rng.normal() / Math.sqrt(inDim)) };
      w[`${base}.lora_b`] = { shape: [r, outDim], values: Float32Array.from({ length: r * outDim }, () => rng.normal() * bStd) };
    }
  }
  return w;
}

export async function makeFakeRun(dir: string, opts: { basePath: string; arch: string; shape: ModelShape; lora: Partial<LoraConfig>; seed: number; bStd?: number }): Promise<{ dir: string; lora: LoraConfig }> {
  mkdirSync(join(dir, "data"), { recursive: true });
  const lora = LoraConfigSchema.parse(opts.lora);
  const config = TrainConfigSchema.parse({ lora, seqLen: 96, maxSteps: 10 });
  await writeLoraGguf(join(dir, "adapter.gguf"), randomLoraWeights(opts.shape, lora, opts.seed, opts.bStd), lora, opts.arch);
  const record = {
    version: 1,
    status: "finished",
    createdAt: "2026-01-01T00:00:00.000Z",
    baseModel: { path: opts.basePath, sha256: "0".repeat(64), architecture: opts.arch, parameters: 1 },
    data: { files: [{ path: "/data/qa.jsonl", sha256: "1".repeat(64) }], sha256: "2".repeat(64), trainExamples: 20, validationExamples: 5, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" },
    job: { modelPath: opts.basePath, trainPath: join(dir, "data/train.jsonl"), validationPath: null, outDir: dir, config, resume: false },
    attempts: [],
    result: { reason: "completed", adapterPath: join(dir, "adapter.gguf"), lastAdapterPath: join(dir, "adapter.gguf"), step: 10, finalLoss: 1.5, bestValLoss: 1.75, bestStep: 10, trainableParameters: 100, trainablePercent: 1, backend: "wasm", trainingSeconds: 1 },
  };
  writeFileSync(join(dir, "run.json"), JSON.stringify(record, null, 2));
  writeFileSync(join(dir, "data/dataset.json"), JSON.stringify({ model: { chatTemplate: "ChatML", endOfTurnToken: 260 }, redaction: { counts: { email: 2 } } }));
  return { dir, lora };
}
