import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { LoraAdapter, type LoraWeights } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema, type LoraConfig } from "../../../electron/engine/lora/LoraConfig";
import { writeLoraGguf } from "../../../electron/engine/lora/writeLoraGguf";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { seededRandom } from "../model/randomModel";

/** Writes a GGUF LoRA with random non-zero A and B (std `bStd`) for a base model; returns its path. */
export async function writeRandomAdapter(basePath: string, out: string, seed: number, bStd = 0.2, lora: Partial<LoraConfig> = { rank: 8, alpha: 16 }): Promise<string> {
  await initTfjs({ prefer: "wasm" });
  const file = await openGguf(basePath);
  const model = await LlamaModel.load(file).finally(() => file.close());
  const config = LoraConfigSchema.parse(lora);
  const adapter = LoraAdapter.create(model.config, config, seed);
  try {
    const rng = seededRandom(seed);
    const w: LoraWeights = {};
    for (const [name, v] of adapter.variables()) {
      const std = name.endsWith(".lora_a") ? 1 / Math.sqrt(v.shape[0]!) : bStd;
      w[name] = { shape: v.shape, values: Float32Array.from({ length: v.size }, () => rng.normal() * std) };
    }
    await writeLoraGguf(out, w, config, model.config.arch);
    return out;
  } finally {
    adapter.dispose();
    model.dispose();
  }
}
