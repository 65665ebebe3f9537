import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { loadLatestCheckpoint, type WriteSynced } from "../../../electron/engine/training/checkpointStore";
import type { TrainingSequence } from "../../../electron/engine/training/makeBatch";
import { Trainer, type TrainerCheckpoint } from "../../../electron/engine/training/Trainer";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import type { TrainingEvent } from "../../../electron/engine/training/trainingEvents";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import { templatedSequences } from "./templatedData";

const dir = mkdtempSync(join(tmpdir(), "resume-"));
let model: LlamaModel;
let train: TrainingSequence[];
let validation: TrainingSequence[];
const config = TrainConfigSchema.parse({
  lr: 2e-3,
  batchSize: 2,
  gradAccum: 2,
  maxSteps: 12,
  evalEvery: 3,
  checkpointEvery: 4,
  seqLen: 96,
  earlyStopPatience: 0,
  lora: { rank: 4, alpha: 8, dropout: 0.1, targets: ["q", "v", "down"] },
  seed: 9,
});

beforeAll(async () => {
  await initTfjs();
  const path = join(dir, "m.gguf");
  await makeTinyModel({ arch: "llama", preset: "tiny", out: path });
  const all = await templatedSequences(path, 22);
  train = all.slice(0, 18);
  validation = all.slice(18);
  const file = await openGguf(path);
  model = await LlamaModel.load(file);
  await file.close();
});
afterAll(() => {
  model?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function runTrainer(checkpointDir: string, options: { stopAfterStep?: number; resume?: TrainerCheckpoint } = {}) {
  const control = new TrainerControl();
  const events: TrainingEvent[] = [];
  const adapter = LoraAdapter.create(model.config, config.lora, config.seed);
  const trainer = new Trainer({
    model,
    adapter,
    config,
    train,
    validation,
    checkpointDir,
    control,
    ...(options.resume ? { resume: options.resume } : {}),
    emit: (e) => {
      events.push(e);
      if (e.type === "step" && e.step === options.stopAfterStep) control.request("cancel");
    },
  });
  const result = await trainer.run();
  adapter.dispose();
  return { result, events };
}

const losses = (events: TrainingEvent[]) => new Map(events.flatMap((e) => (e.type === "step" ? [[e.step, e.loss] as const] : [])));
const valLosses = (events: TrainingEvent[]) => new Map(events.flatMap((e) => (e.type === "eval" ? [[e.step, e.valLoss] as const] : [])));

describe("resuming a training run", () => {
  it("continues from a checkpoint exactly as the uninterrupted run (losses within 1e-5 per step)", async () => {
    const full = await runTrainer(join(dir, "full"));
    expect(full.result.reason).toBe("completed");
    expect(full.result.state.step).toBe(12);

    const first = await runTrainer(join(dir, "split"), { stopAfterStep: 7 });
    expect(first.result.reason).toBe("cancelled");
    expect(first.result.state.step).toBe(7);
    const checkpoint = await loadLatestCheckpoint<TrainerCheckpoint["state"], TrainerCheckpoint["config"]>(join(dir, "split"));
    expect(checkpoint?.step).toBe(7);
    const second = await runTrainer(join(dir, "split"), { resume: checkpoint! });
    expect(second.result.reason).toBe("completed");

    const expected = losses(full.events);
    const resumed = new Map([...losses(first.events), ...losses(second.events)]);
    expect([...resumed.keys()]).toEqual([...expected.keys()]);
    for (const [step, loss] of expected) expect(Math.abs(resumed.get(step)! - loss), `step ${step}`).toBeLessThanOrEqual(1e-5);
    const expectedVal = valLosses(full.events);
    const resumedVal = new Map([...valLosses(first.events), ...valLosses(second.events)]);
    expect(expectedVal.size).toBe(4);
    for (const [step, loss] of expectedVal) expect(Math.abs(resumedVal.get(step)! - loss), `eval at ${step}`).toBeLessThanOrEqual(1e-5);
    // The same adapter at the end, and the same best one.
    for (const [name, t] of Object.entries(full.result.last)) {
      const other = second.result.last[name]!.values;
      expect(Math.max(...t.values.map((v, i) => Math.abs(v - other[i]!))), name).toBeLessThanOrEqual(1e-6);
    }
    expect(second.result.state.bestStep).toBe(full.result.state.bestStep);
  });

  it("fails cleanly on a full disk and keeps the last checkpoint intact", async () => {
    const ckpt = join(dir, "full-disk");
    let writes = 0;
    // The third checkpoint's tensor file hits a full disk half-way.
    const write: WriteSynced = async (path, chunks) => {
      if (path.endsWith("tensors.bin") && ++writes === 3) {
        await writeFile(path, new Uint8Array(chunks[0]!.buffer).slice(0, 100));
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }
      await writeFile(path, Buffer.concat(chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength))));
    };
    const events: TrainingEvent[] = [];
    const adapter = LoraAdapter.create(model.config, config.lora, config.seed);
    const trainer = new Trainer({ model, adapter, config, train, validation, checkpointDir: ckpt, control: new TrainerControl(), writeCheckpointFile: write, emit: (e) => events.push(e) });
    await expect(trainer.run()).rejects.toThrow(/no space left to write the checkpoint of step 12 .* previous checkpoint is intact/);
    adapter.dispose();
    const failed = events.at(-1);
    expect(failed?.type === "failed" && failed.resumable).toBe(true);
    expect(readdirSync(ckpt)).toEqual(["step-0000004", "step-0000008"]); // no half-written folder left behind
    const latest = await loadLatestCheckpoint<TrainerCheckpoint["state"], TrainerCheckpoint["config"]>(ckpt);
    expect(latest?.step).toBe(8);
    expect(Object.keys(latest!.adapter)).toHaveLength(2 * 3 * model.config.nLayer);
  });

  it("keeps only the newest checkpoints, each complete", async () => {
    const ckpt = join(dir, "full");
    const latest = await loadLatestCheckpoint<TrainerCheckpoint["state"], TrainerCheckpoint["config"]>(ckpt);
    expect(latest?.step).toBe(12);
    expect(latest?.config).toEqual(config);
    expect(Object.keys(latest!.adapter)).toHaveLength(2 * 3 * model.config.nLayer);
    expect(Object.keys(latest!.optimizer.moments)).toHaveLength(2 * 3 * model.config.nLayer);
    expect(latest!.best).not.toBeNull();
  });
});
