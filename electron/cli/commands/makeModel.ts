import { resolve } from "node:path";
import type { Command } from "../Command";
import { optionalChoice, optionalInt, requireString } from "../args";
import { makeTinyModel, TINY_ARCHS, TINY_DTYPES, type TinyModelSummary } from "../../engine/gguf/tiny/makeTinyModel";
import { PRESET_NAMES } from "../../engine/gguf/tiny/presets";

export const makeModelCommand: Command<TinyModelSummary> = {
  name: "make-model",
  summary: "write a random-weight GGUF model (with tokenizer and chat template) for tests and benchmarks",
  usage: `lora-studio make-model --arch ${TINY_ARCHS.join("|")} --preset ${PRESET_NAMES.join("|")} [--dtype ${TINY_DTYPES.join("|")}] [--seed N] --out FILE.gguf [--json]`,
  options: { arch: { type: "string" }, preset: { type: "string" }, dtype: { type: "string" }, seed: { type: "string" }, out: { type: "string" } },
  async run(args) {
    const out = resolve(requireString(args, "out"));
    const arch = optionalChoice(args, "arch", TINY_ARCHS) ?? "llama";
    const preset = optionalChoice(args, "preset", PRESET_NAMES) ?? "tiny";
    const dtype = optionalChoice(args, "dtype", TINY_DTYPES) ?? "f32";
    const seed = optionalInt(args, "seed", 0, 2 ** 32 - 1) ?? 0;
    return makeTinyModel({ arch, preset, dtype, seed, out });
  },
  format: (r) => `wrote ${r.path}: ${r.arch} ${r.preset} ${r.dtype}, ${r.parameters.toLocaleString("en")} parameters`,
};
