import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { evaluateLoss } from "../../../electron/engine/training/evaluateLoss";
import { Trainer } from "../../../electron/engine/training/Trainer";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { templatedSequences } from "./templatedData";

const dir = mkdtempSync(join(tmpdir(), "learns-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("LoRA training learns", () => {
  it("cuts the validation loss of a templated dataset by at least 80% within 300 steps (small preset)", async () => {
    const { tf } = await initTfjs();
    const path = join(dir, "small.gguf");
    await makeTinyModel({ arch: "llama", preset: "small", out: path });
    const sequences = await templatedSequences(path, 60);
    const train = sequences.slice(0, 50);
    const validation = sequences.slice(50);
    const file = await openGguf(path);
    const model = await LlamaModel.load(file);
    await file.close();
    const config = TrainConfigSchema.parse({
      lr: 2e-3,
      batchSize: 4,
      gradAccum: 1,
      maxSteps: 300,
      evalEvery: 10,
      seqLen: 96,
      earlyStopPatience: 0,
      checkpointEvery: 0,
      lora: { rank: 8, alpha: 16, dropout: 0 },
    });
    const adapter = LoraAdapter.create(model.config, config.lora, config.seed);
    const initial = await evaluateLoss(model, adapter, validation, 4, 96);
    const control = new TrainerControl();
    const valLosses: number[] = [];
    let tensorsAtFirstStep = 0;
    let tensorsAtLastStep = 0;
    const trainer = new Trainer({
      model, adapter, config, train, validation, checkpointDir: join(dir, "ckpt"), control,
      emit: (e) => {
        if (e.type === "step") {
          if (e.step === 1) tensorsAtFirstStep = tf.memory().numTensors;
          tensorsAtLastStep = tf.memory().numTensors;
        }
        if (e.type === "eval") {
          valLosses.push(e.valLoss);
          if (e.valLoss <= 0.2 * initial) control.request("cancel"); // reached: no need to run all 300 steps
        }
      },
    });
    const result = await trainer.run();
    const best = Math.min(...valLosses);
    console.info(`validation loss ${initial.toFixed(3)} -> ${best.toFixed(3)} (${(100 * (1 - best / initial)).toFixed(1)}% lower) in ${result.state.step} steps`);
    expect(best).toBeLessThanOrEqual(0.2 * initial);
    // Learned the answers, not merely flattened an over-confident start: far below a uniform guess.
    expect(best).toBeLessThan(Math.log(model.config.vocabSize) / 4);
    expect(result.state.step).toBeLessThanOrEqual(300);
    expect(tensorsAtLastStep).toBe(tensorsAtFirstStep); // no tensor leaks across steps
    adapter.dispose();
    model.dispose();
  });
});
