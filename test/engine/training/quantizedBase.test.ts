import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ggmlTypeName } from "../../../electron/engine/gguf/ggmlType";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { scoreWithLlamaCpp } from "../../../electron/engine/inference/scoreWithLlamaCpp";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { Trainer } from "../../../electron/engine/training/Trainer";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { templatedSequences } from "./templatedData";
import { writeMixedQuantModel } from "../../helpers/mixedQuantModel";

const dir = mkdtempSync(join(tmpdir(), "quantized-base-"));

let mixed: string;
beforeAll(async () => {
  mixed = await writeMixedQuantModel(dir, "mixed");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("training on quantized and half-precision bases", () => {
  it("loads a model mixing Q4_K, Q5_K, Q6_K, Q4_0, Q8_0, BF16 and F16 in both engines", async () => {
    const file = await openGguf(mixed);
    const types = new Set(file.tensors.map((t) => ggmlTypeName(t.type)));
    for (const name of ["Q4_K", "Q5_K", "Q6_K", "Q4_0", "Q8_0", "BF16", "F16"]) expect(types).toContain(name);
    await initTfjs();
    const model = await LlamaModel.load(file);
    await file.close();
    const tokens = Array.from({ length: 32 }, (_, i) => (i * 37 + 1) % model.config.vocabSize);
    const ours = await model.logprobs(tokens);
    model.dispose();
    const ref = await scoreWithLlamaCpp(mixed, tokens, { kvCache: "F32" });
    const diffs = Array.from(ours, (v, i) => Math.abs(v - ref[i]!));
    // Note: llama.cpp rounds activations to 8 bits for quantized matmuls (Q8_K / Q8_0), so only gross
    // dequantization errors can show here; exact dequantization is tested block by block in test/engine/gguf.
    console.info(`mixed-quant model, tfjs vs llama.cpp: max ${Math.max(...diffs).toExponential(2)} nats`);
    expect(Math.max(...diffs)).toBeLessThan(0.25);
  });

  it("trains LoRA on it: the loss falls and the quantized base stays as it was", async () => {
    await initTfjs();
    const file = await openGguf(mixed);
    const model = await LlamaModel.load(file);
    await file.close();
    const before = await model.weights.layers[0]!.proj.q.w.data();
    const sequences = await templatedSequences(mixed, 24);
    const config = TrainConfigSchema.parse({ lr: 2e-3, batchSize: 4, gradAccum: 1, maxSteps: 12, seqLen: 96, checkpointEvery: 0, earlyStopPatience: 0, lora: { rank: 8, alpha: 16, dropout: 0 } });
    const adapter = LoraAdapter.create(model.config, config.lora, 1);
    const losses: number[] = [];
    const trainer = new Trainer({ model, adapter, config, train: sequences, validation: [], checkpointDir: join(dir, "ckpt"), control: new TrainerControl(), emit: (e) => e.type === "step" && losses.push(e.loss) });
    await trainer.run();
    expect(losses.slice(-3).reduce((a, b) => a + b) / 3).toBeLessThan(0.6 * losses.slice(0, 3).reduce((a, b) => a + b) / 3);
    expect(await model.weights.layers[0]!.proj.q.w.data()).toEqual(before);
    adapter.dispose();
    model.dispose();
  });
});
