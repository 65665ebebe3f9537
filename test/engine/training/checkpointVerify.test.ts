/**
 * Each checkpoint is verified on resume (a manifest with sizes and sha256, written after the data files): a damaged
 * newest one is passed over for the newest whole one, and says so; when none is whole, the error names the files.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasCheckpoint, loadLatestCheckpoint, saveCheckpoint, type CheckpointContent } from "../../../electron/engine/training/checkpointStore";

const dir = mkdtempSync(join(tmpdir(), "checkpoint-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function content(step: number): CheckpointContent<{ step: number }, { lr: number }> {
  const values = Float32Array.from({ length: 12 }, (_, i) => step + i / 10);
  return {
    state: { step },
    config: { lr: 1e-3 },
    adapter: { "blk.0.attn_q.lora_a": { shape: [3, 4], values } },
    best: null,
    optimizer: { step, moments: { "blk.0.attn_q.lora_a": { m: values.map((v) => v * 2), v: values.map((v) => v * 3) } } },
  };
}

async function twoCheckpoints(name: string): Promise<string> {
  const ckpt = join(dir, name);
  await saveCheckpoint(ckpt, 10, content(10));
  await saveCheckpoint(ckpt, 20, content(20));
  return ckpt;
}

describe("checkpoint verification on resume", () => {
  it("reads the newest whole checkpoint and its manifest", async () => {
    const ckpt = await twoCheckpoints("whole");
    expect(hasCheckpoint(ckpt)).toBe(true);
    expect(hasCheckpoint(join(dir, "none"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(ckpt, "step-0000020", "manifest.json"), "utf8"));
    expect(manifest.files["tensors.bin"].bytes).toBe(3 * 12 * 4);
    const latest = await loadLatestCheckpoint(ckpt);
    expect(latest).toMatchObject({ step: 20, skipped: [] });
    expect(Array.from(latest!.adapter["blk.0.attn_q.lora_a"]!.values)[0]).toBeCloseTo(20);
  });

  it("falls back to the previous checkpoint when the newest tensors.bin has a flipped byte, and says which", async () => {
    const ckpt = await twoCheckpoints("flipped");
    const bin = join(ckpt, "step-0000020", "tensors.bin");
    const bytes = readFileSync(bin);
    bytes[7] ^= 0xff; // same size, different content: only the checksum sees it
    writeFileSync(bin, bytes);
    const latest = await loadLatestCheckpoint(ckpt);
    expect(latest!.step).toBe(10);
    expect(latest!.skipped).toEqual([{ path: join(ckpt, "step-0000020"), step: 20, reason: `${bin} is damaged: its sha256 differs from the one written with it` }]);
  });

  it("falls back when the newest is cut short, and names checkpoint.json with what to do when every one is damaged", async () => {
    const ckpt = await twoCheckpoints("cut");
    appendFileSync(join(ckpt, "step-0000020", "tensors.bin"), "xx");
    expect((await loadLatestCheckpoint(ckpt))!.skipped[0]!.reason).toMatch(/tensors\.bin is damaged: \d+ bytes instead of \d+/);
    // A damaged checkpoint.json (and no manifest, as in checkpoints written before manifests): the file is named.
    for (const step of ["0000010", "0000020"]) {
      rmSync(join(ckpt, `step-${step}`, "manifest.json"));
      const meta = join(ckpt, `step-${step}`, "checkpoint.json");
      writeFileSync(meta, readFileSync(meta, "utf8").slice(0, 30));
    }
    await expect(loadLatestCheckpoint(ckpt)).rejects.toThrow(
      new RegExp(`^no whole checkpoint in ${ckpt}: ${join(ckpt, "step-0000020", "checkpoint.json")} is damaged \\(.*JSON.*\\); ${join(ckpt, "step-0000010", "checkpoint.json")} is damaged .*; to start the run again from the beginning, delete the folder ${ckpt} and resume$`),
    );
  });

  it("reads checkpoints written before manifests existed", async () => {
    const ckpt = await twoCheckpoints("legacy");
    rmSync(join(ckpt, "step-0000020", "manifest.json"));
    expect((await loadLatestCheckpoint(ckpt))!.step).toBe(20);
  });
});

describe("a resumed training job with a damaged newest checkpoint", () => {
  it("continues from the previous whole one and reports the one it passed over", async () => {
    const { makeTinyModel } = await import("../../../electron/engine/gguf/tiny/makeTinyModel");
    const { prepareTrainingRun } = await import("../../../electron/app/training/trainRun");
    const { runTrainingJob } = await import("../../../electron/engine/training/runTrainingJob");
    const { TrainConfigSchema } = await import("../../../electron/engine/training/TrainConfig");
    const { TrainerControl } = await import("../../../electron/engine/training/TrainerControl");
    const { templatedExamples } = await import("./templatedData");
    const model = join(dir, "m.gguf");
    const data = join(dir, "d.jsonl");
    await makeTinyModel({ arch: "llama", preset: "tiny", out: model, seed: 3 });
    writeFileSync(data, templatedExamples(20).map((e) => JSON.stringify(e)).join("\n") + "\n");
    const config = TrainConfigSchema.parse({ maxSteps: 4, batchSize: 2, gradAccum: 1, seqLen: 96, checkpointEvery: 2, evalEvery: 100, seed: 5, lora: { rank: 4, alpha: 8 } });
    const out = join(dir, "job");
    const record = await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: out, config, valSplit: 0 });
    const control = new TrainerControl();
    await runTrainingJob(record.job, control, (e) => {
      if (e.type === "step" && e.step === 3) control.request("cancel"); // checkpoints: step 2 (interval), step 3 (cancel)
    });
    const newest = join(out, "checkpoints", "step-0000003", "checkpoint.json");
    writeFileSync(newest, readFileSync(newest, "utf8").slice(0, 40)); // as a crash mid-write of an old-style store would
    const events: { type: string; resumedFromStep?: number | null; skippedCheckpoints?: { step: number; reason: string }[] }[] = [];
    const outcome = await runTrainingJob({ ...record.job, resume: true }, new TrainerControl(), (e) => events.push(e));
    expect(outcome.step).toBe(4);
    const started = events.find((e) => e.type === "started")!;
    expect(started.resumedFromStep).toBe(2);
    expect(started.skippedCheckpoints).toEqual([{ step: 3, reason: expect.stringMatching(/checkpoint\.json is damaged: its sha256 differs|checkpoint\.json is damaged: \d+ bytes instead of/) }]);
    expect(started.skippedCheckpoints![0]!.reason).toContain(newest);
  }, 120_000);
});
