import { initTfjs, type TfjsBackendName } from "../../../native-deps/tfjsBackend";
import { openGguf } from "../gguf/GgufFile";
import { LoraAdapter } from "../lora/LoraAdapter";
import { LoraConfigSchema } from "../lora/LoraConfig";
import { readLoraGguf, type LoadedLora } from "../lora/readLoraGguf";
import { LlamaModel } from "../model/LlamaModel";
import type { ModelConfig } from "../model/ModelConfig";
import { PROJECTIONS } from "../model/ModelWeights";

export interface TfjsScoreOptions {
  backend?: TfjsBackendName;
  /** A GGUF LoRA adapter applied as llama.cpp applies it: scale · alpha / r · B·A (scale default 1). */
  adapter?: { filePath: string; scale?: number };
}

/**
 * Log-probabilities from this project's TensorFlow.js forward pass: logprobs[i] = log p(tokens[i+1] | tokens[..i]),
 * with an optional GGUF LoRA adapter on the model.
 */
export async function scoreWithTfjs(
  modelPath: string,
  tokens: number[],
  options: TfjsScoreOptions | TfjsBackendName = {},
): Promise<{ logprobs: number[]; backend: TfjsBackendName }> {
  const { backend, adapter: adapterFile } = typeof options === "string" ? { backend: options, adapter: undefined } : options;
  if (tokens.length < 2) throw new Error(`scoring needs at least 2 tokens, got ${tokens.length}`);
  const loaded = adapterFile ? await readLoraGguf(adapterFile.filePath) : undefined;
  const init = await initTfjs(backend ? { prefer: backend } : undefined);
  const file = await openGguf(modelPath);
  let model: LlamaModel | undefined;
  let adapter: LoraAdapter | undefined;
  try {
    model = await LlamaModel.load(file);
    const vocab = model.config.vocabSize;
    const bad = tokens.find((t) => !Number.isInteger(t) || t < 0 || t >= vocab);
    if (bad !== undefined) throw new Error(`token ${bad} is outside this model's vocabulary (0..${vocab - 1})`);
    if (loaded) {
      if (loaded.architecture !== model.config.arch) {
        throw new Error(`adapter ${adapterFile!.filePath} was made for a ${loaded.architecture} model but ${modelPath} is ${model.config.arch}; use it with the base model it was trained on`);
      }
      adapter = loraAdapterFromGguf(loaded, model.config, adapterFile!.scale ?? 1, adapterFile!.filePath);
    }
    return { logprobs: Array.from(await model.logprobs(tokens, adapter?.hooks())), backend: init.backend };
  } finally {
    adapter?.dispose();
    model?.dispose();
    await file.close();
  }
}

/**
 * A LoraAdapter holding a GGUF LoRA's weights, scaled as llama.cpp scales them (scale · alpha / r per pair;
 * alpha 0 means no alpha / r factor). The adapter must cover the same projections in every layer with one rank per
 * layer, as every adapter this project writes does.
 */
export function loraAdapterFromGguf(loaded: LoadedLora, model: ModelConfig, scale: number, path: string): LoraAdapter {
  const targets = PROJECTIONS.filter((p) => loaded.pairs.some((q) => q.proj === p));
  const rankByLayer = new Map<number, number>();
  for (const p of loaded.pairs) {
    if (p.layer >= model.nLayer) throw new Error(`adapter ${path} adapts layer ${p.layer} but the model has ${model.nLayer} layers; use it with the base model it was trained on`);
    const r = rankByLayer.get(p.layer);
    if (r !== undefined && r !== p.rank) throw new Error(`adapter ${path} has ranks ${r} and ${p.rank} in layer ${p.layer}; the tfjs engine needs one rank per layer (score it with --engine llama.cpp)`);
    rankByLayer.set(p.layer, p.rank);
  }
  for (let layer = 0; layer < model.nLayer; layer++) {
    for (const proj of targets) {
      if (!loaded.pairs.some((p) => p.layer === layer && p.proj === proj)) {
        throw new Error(`adapter ${path} adapts ${proj} in some layers but not in layer ${layer}; the tfjs engine needs the same targets in every layer (score it with --engine llama.cpp)`);
      }
    }
  }
  const ranks = [...rankByLayer.values()];
  const rank = ranks.sort((a, b) => ranks.filter((r) => r === b).length - ranks.filter((r) => r === a).length)[0]!;
  const layerRanks = Object.fromEntries([...rankByLayer].filter(([, r]) => r !== rank).map(([l, r]) => [String(l), r]));
  const config = LoraConfigSchema.parse({ rank, alpha: loaded.alpha || rank, dropout: 0, targets, layerRanks });
  const adapter = LoraAdapter.create(model, config, 0);
  try {
    adapter.setWeights(loaded.weights);
  } catch (error) {
    adapter.dispose();
    throw new Error(`adapter ${path} does not fit ${model.arch} with width ${model.nEmbd}: ${(error as Error).message}`);
  }
  for (const pair of adapter.pairs) pair.scale = (loaded.alpha ? loaded.alpha / (rankByLayer.get(pair.layer) ?? rank) : 1) * scale;
  return adapter;
}
