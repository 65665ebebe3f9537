/**
 * Where a training step's time goes: `node --import tsx bench/profileStep.ts [preset] [profile]`.
 * Times the forward pass alone, lossAndGradients and the AdamW update in CPU milliseconds (steadier than wall
 * time when other processes share the cores), then with `profile` lists kernels by total time from tf.profile
 * (a custom op such as frozenMatMul shows as "unnamed scope" and also contains the kernels it ran).
 * Env: STEPS (default 8), TC=1 transposedCopies, KQ=1 keepQuantized (on the F32 model: measures the path only).
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tensor } from "@tensorflow/tfjs-core";
import { openGguf } from "../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../electron/engine/gguf/tiny/makeTinyModel";
import type { PresetName } from "../electron/engine/gguf/tiny/presets";
import { LoraAdapter } from "../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../electron/engine/model/LlamaModel";
import { AdamW } from "../electron/engine/training/AdamW";
import { lossAndGradients } from "../electron/engine/training/lossAndGradients";
import { maskedCrossEntropy } from "../electron/engine/training/maskedCrossEntropy";
import { initTfjs } from "../native-deps/tfjsBackend";

const preset = (process.argv[2] ?? "w576-4l-v4k") as PresetName;
const { tf } = await initTfjs({ prefer: "wasm" });
const path = join(tmpdir(), `lora-studio-bench-llama-${preset}-f32.gguf`);
if (!existsSync(path)) await makeTinyModel({ arch: "llama", preset, dtype: "f32", seed: 0, out: path });
const file = await openGguf(path);
const model = await LlamaModel.load(file, { transposedCopies: process.env.TC === "1", keepQuantized: process.env.KQ === "1" });
await file.close();
const adapter = LoraAdapter.create(model.config, LoraConfigSchema.parse({ rank: 8, alpha: 32, dropout: 0, targets: ["q", "v"] }), 1);
const optimizer = new AdamW(adapter.variables());
const T = 256;
const vocab = model.config.vocabSize;
const tokens = Array.from({ length: T + 1 }, (_, i) => (i * 7919 + 13) % vocab);
const batch = { inputs: [tokens.slice(0, T)], targets: Int32Array.from(tokens.slice(1)), mask: new Float32Array(T).fill(1), lossTokens: T, tokens: T, truncated: 0 };
const cpuMs = async (f: () => void | Promise<void>) => {
  const c0 = process.cpuUsage();
  await f();
  const c = process.cpuUsage(c0);
  return Math.round((c.user + c.system) / 1000);
};
for (let i = 0; i < Number(process.env.STEPS ?? 8); i++) {
  const forward = await cpuMs(async () => {
    const loss = maskedCrossEntropy(model, batch, adapter.hooks());
    await loss.data();
    loss.dispose();
  });
  let grads: Record<string, Tensor> = {};
  const lossAndGrads = await cpuMs(async () => {
    grads = (await lossAndGradients(model, adapter, batch)).grads;
  });
  const update = await cpuMs(() => {
    optimizer.apply(grads, 1e-4);
    tf.dispose(Object.values(grads));
  });
  console.log(JSON.stringify({ cpu_ms: { forward, lossAndGrads, update }, tensors: tf.memory().numTensors }));
}
if (process.argv[3] === "profile") {
  const profile = await tf.profile(async () => {
    const { grads } = await lossAndGradients(model, adapter, batch);
    tf.dispose(Object.values(grads));
  });
  const byShape = new Map<string, { ms: number; n: number }>();
  const byName = new Map<string, number>();
  for (const k of profile.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = byShape.get(key) ?? { ms: 0, n: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.n++;
    byShape.set(key, e);
    byName.set(k.name, (byName.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  }
  for (const [k, v] of [...byShape].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) console.log(v.ms.toFixed(1).padStart(8), String(v.n).padStart(4), k);
  console.log([...byName].sort((a, b) => b[1] - a[1]).map(([n, ms]) => `${n}:${ms.toFixed(0)}`).join(" "));
}
