import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRunForResume, prepareTrainingRun, startTrainingRun, storedRecord } from "../../../electron/app/training/trainRun";
import { trainWithStepDown } from "../../../electron/app/training/trainWithStepDown";
import { openGguf } from "../../../electron/engine/gguf/GgufFile";
import { GgufValueType } from "../../../electron/engine/gguf/types";
import { writeGguf } from "../../../electron/engine/gguf/writeGguf";
import { makeTinyModel } from "../../../electron/engine/gguf/tiny/makeTinyModel";
import { scoreWithLlamaCpp } from "../../../electron/engine/inference/scoreWithLlamaCpp";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import type { TrainingEvent } from "../../../electron/engine/training/trainingEvents";
import { runCli } from "../../helpers/runCli";
import { templatedExamples } from "./templatedData";

const dir = mkdtempSync(join(tmpdir(), "train-run-"));
const model = join(dir, "qwen2.gguf");
const data = join(dir, "capitals.jsonl");
const config = TrainConfigSchema.parse({ lr: 3e-3, maxSteps: 14, batchSize: 2, gradAccum: 1, seqLen: 96, checkpointEvery: 2, evalEvery: 7, seed: 5, lora: { rank: 4, alpha: 8 } });

beforeAll(async () => {
  await makeTinyModel({ arch: "qwen2", preset: "tiny", out: model, seed: 2 });
  writeFileSync(data, templatedExamples(40).map((e) => JSON.stringify(e)).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args);

const stepLosses = (metricsPath: string) => {
  const losses = new Map<number, number>();
  for (const line of readFileSync(metricsPath, "utf8").trim().split("\n")) {
    const e = JSON.parse(line) as TrainingEvent;
    if (e.type === "step") losses.set(e.step, e.loss); // a step redone after a crash replaces the lost one
  }
  return losses;
};

describe("lora-studio train", () => {
  it("trains in a worker process and writes the adapter, metrics and the run record", async () => {
    const out = join(dir, "cli-run");
    const r = await cli("train", "--model", model, "--data", data, "--out", out, "--max-steps", "14", "--lr", "3e-3", "--batch", "2", "--accum", "1",
      "--seq-len", "96", "--rank", "4", "--alpha", "8", "--seed", "5", "--checkpoint-every", "2", "--eval-every", "7", "--json");
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe("finished");
    expect(record.result).toMatchObject({ reason: "completed", step: 14, backend: "wasm" });
    // Settings not given come from this machine's recommendation, each with its reason.
    expect(r.stderr).toMatch(/choosing settings for this machine/);
    expect(r.stderr).toMatch(/epochs \d+: /);
    expect(record.job.config).toMatchObject({ batchSize: 2, gradAccum: 1, seqLen: 96, lr: 3e-3, maxSteps: 14 });
    expect(record.baseModel.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.data.trainExamples + record.data.validationExamples).toBe(40);
    expect(record.data.validationExamples).toBeGreaterThanOrEqual(4);
    expect(record.result.trainableParameters).toBeGreaterThan(0);
    // On disk, paths inside the run folder are relative to it (a copied folder resumes in place).
    const stored = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    expect(stored).toEqual(storedRecord(record));
    expect(stored.job).toMatchObject({ outDir: ".", trainPath: "data/train.jsonl" });
    expect(stored.result).toMatchObject({ adapterPath: "adapter.gguf", lastAdapterPath: "adapter-last.gguf" });

    const events = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const steps = events.filter((e) => e.type === "step");
    expect(steps).toHaveLength(14);
    for (const key of ["loss", "lr", "gradNorm", "tokensPerSecond", "etaSeconds", "peakRssMb", "epoch"]) expect(typeof steps[0][key]).toBe("number");
    expect(steps[0].norms).toHaveLength(2 * 7); // 2 layers x 7 default targets
    expect(steps.at(-1).norms.every((n: { b: number }) => n.b > 0)).toBe(true);
    expect(events.filter((e) => e.type === "eval").length).toBeGreaterThanOrEqual(2);

    // The adapter is a GGUF LoRA that llama.cpp applies, and it changes the model's predictions.
    const adapter = await openGguf(record.result.adapterPath);
    expect(adapter.string("general.type")).toBe("adapter");
    expect(adapter.string("general.architecture")).toBe("qwen2");
    await adapter.close();
    const tokens = [1, 50, 60, 70, 80, 90];
    const base = await scoreWithLlamaCpp(model, tokens);
    const tuned = await scoreWithLlamaCpp(model, tokens, { loras: [{ filePath: record.result.adapterPath }] });
    expect(Math.max(...base.map((b, i) => Math.abs(b - tuned[i]!)))).toBeGreaterThan(1e-3);
  });

  it("survives SIGKILL of the worker mid-run and resumes from the last checkpoint to the same result", async () => {
    const out = join(dir, "killed");
    const record = await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: out, config });
    let killedAt = 0;
    const first = startTrainingRun(record, (e) => {
      if (e.type === "step" && e.step === 5 && !killedAt) {
        killedAt = e.step;
        process.kill(first.process.pid, "SIGKILL");
      }
    });
    const interrupted = await first.finished;
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error?.message).toMatch(/SIGKILL.*--resume/);
    expect(interrupted.error?.resumable).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).status).toBe("interrupted");

    const resumed: TrainingEvent[] = [];
    const second = startTrainingRun(await loadRunForResume(out), (e) => resumed.push(e));
    const final = await second.finished;
    expect(final.status).toBe("finished");
    const started = resumed.find((e) => e.type === "started");
    expect(started?.type === "started" && started.resumedFromStep).toBeGreaterThanOrEqual(4);
    expect(final.attempts).toHaveLength(2);

    // An uninterrupted run of the same configuration gives the same losses at every step.
    const cleanOut = join(dir, "clean");
    const clean = await startTrainingRun(await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: cleanOut, config }), () => {}).finished;
    expect(clean.status).toBe("finished");
    const expected = stepLosses(join(cleanOut, "metrics.jsonl"));
    const got = stepLosses(join(out, "metrics.jsonl"));
    expect(got.size).toBe(14);
    for (const [step, loss] of expected) expect(Math.abs(got.get(step)! - loss), `step ${step}`).toBeLessThanOrEqual(1e-5);
    expect(final.result?.finalLoss).toBeCloseTo(clean.result!.finalLoss!, 5);
  });

  it("pauses on a message with a checkpoint, resumes on another, and cancels resumably", async () => {
    const out = join(dir, "paused");
    const record = await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: out, config });
    const events: TrainingEvent[] = [];
    const handle = startTrainingRun(record, (e) => {
      events.push(e);
      if (e.type === "step" && e.step === 3) handle.process.pause();
      if (e.type === "paused") setTimeout(() => handle.process.resume(), 300);
      if (e.type === "step" && e.step === 9) handle.process.cancel();
    });
    const final = await handle.finished;
    const kinds = events.map((e) => (e.type === "checkpoint" ? `checkpoint:${e.reason}` : e.type));
    expect(kinds).toContain("checkpoint:pause");
    expect(kinds.indexOf("paused")).toBeLessThan(kinds.indexOf("resumed"));
    const stepsWhilePaused = events.slice(kinds.indexOf("paused"), kinds.indexOf("resumed")).filter((e) => e.type === "step");
    expect(stepsWhilePaused).toHaveLength(0);
    expect(final.status).toBe("cancelled");
    expect(final.result?.reason).toBe("cancelled");
    expect(kinds).toContain("checkpoint:cancel");
    // A cancelled run can be continued to the end.
    const rest = await startTrainingRun(await loadRunForResume(out), () => {}).finished;
    expect(rest.status).toBe("finished");
    expect(rest.result?.step).toBe(14);
  });

  it("steps down and retries when the worker is killed for memory before its first step", async () => {
    const small = join(dir, "small.gguf");
    await makeTinyModel({ arch: "llama", preset: "small", out: small });
    const out = join(dir, "oom");
    const slowFirstStep = { ...config, batchSize: 4, gradAccum: 1, seqLen: 96, maxSteps: 3, evalEvery: 0 };
    const record = await prepareTrainingRun({ modelPath: small, dataPaths: [data], outDir: out, config: slowFirstStep });
    let attempts = 0;
    const stepDowns: string[] = [];
    const final = await trainWithStepDown(record, () => {}, {
      onStart: (handle) => {
        // The first attempt dies the way the OOM killer ends a process: SIGKILL, before any step is done.
        if (++attempts === 1) process.kill(handle.process.pid, "SIGKILL");
      },
      onStepDown: (reason) => stepDowns.push(reason),
    });
    expect(attempts).toBe(2);
    expect(stepDowns).toEqual([expect.stringMatching(/batch 4: retrying with batch 2 and gradient accumulation 2/)]);
    expect(final.status).toBe("finished");
    expect(final.job.config).toMatchObject({ batchSize: 2, gradAccum: 2 });
    expect(final.stepDowns).toEqual([expect.objectContaining({ change: { field: "batchSize", from: 4, to: 2 } })]);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).stepDowns).toHaveLength(1);
    expect(final.result?.step).toBe(3);
  });

  it("trains again without the native matrix library when the worker crashes before its first step with it on", async () => {
    const out = join(dir, "native-crash");
    const record = await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: out, config: { ...config, maxSteps: 2, evalEvery: 0 } });
    const before = process.env.LORA_STUDIO_NATIVE_MATMUL;
    let attempts = 0;
    const notes: string[] = [];
    try {
      const final = await trainWithStepDown(record, () => {}, {
        // The first attempt crashes the way a native library does inside a process: SIGSEGV, before any step.
        onStart: (handle) => void (++attempts === 1 && process.kill(handle.process.pid, "SIGSEGV")),
        onStepDown: (reason) => notes.push(reason),
      });
      expect(attempts).toBe(2);
      expect(final.status).toBe("finished");
      expect(process.env.LORA_STUDIO_NATIVE_MATMUL).toBe("0");
      expect(notes).toEqual([expect.stringMatching(/crashed before its first step \(SIGSEGV\) with the native matrix library .* on; training again without it/)]);
      expect(final.stepDowns).toEqual([expect.objectContaining({ change: { field: "nativeMatMul", from: true, to: false } })]);
    } finally {
      if (before === undefined) delete process.env.LORA_STUDIO_NATIVE_MATMUL;
      else process.env.LORA_STUDIO_NATIVE_MATMUL = before;
    }
  });

  it("refuses bad input before loading the model, naming the problem", async () => {
    const gpt2 = join(dir, "gpt2.gguf");
    await writeGguf(gpt2, [{ key: "general.architecture", type: GgufValueType.STRING, value: "gpt2" }], []);
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    const useless = join(dir, "useless.jsonl");
    writeFileSync(useless, '{"prompt": "", "completion": ""}\nnot json at all\n');
    const aFile = join(dir, "a-file");
    writeFileSync(aFile, "x");
    const existing = join(dir, "cli-run");
    mkdirSync(existing, { recursive: true });
    const cases: [string[], RegExp][] = [
      [["--model", model, "--data", join(dir, "missing.jsonl"), "--out", join(dir, "o1")], /missing\.jsonl does not exist/],
      [["--model", model, "--data", empty, "--out", join(dir, "o2")], /empty\.jsonl is empty/],
      [["--model", model, "--data", useless, "--out", join(dir, "o3")], /no usable example in .*useless\.jsonl/],
      [["--model", model, "--data", useless, "--out", join(dir, "o3b"), "--defaults"], /no usable training example in .*useless\.jsonl/],
      [["--model", model, "--data", data, "--out", join(dir, "o4"), "--seq-len", "4096"], /sequence length 4096 is longer than the model's context \(512 tokens\)/],
      [["--model", gpt2, "--data", data, "--out", join(dir, "o5")], /architecture "gpt2" is not supported \(supported: llama, qwen2, qwen3\)/],
      [["--model", model, "--data", data, "--out", join(aFile, "sub")], /output folder .* is not writable/],
      [["--model", model, "--data", data, "--out", existing], /already holds a training run; continue it with --resume/],
      [["--model", model, "--data", data, "--out", join(dir, "o6"), "--rank", "0"], /--rank: .*>=1 \(got 0\)/],
      [["--model", model, "--data", data, "--out", join(dir, "o7"), "--targets", "q,x"], /--targets/],
    ];
    for (const [args, message] of cases) {
      const r = await cli("train", ...args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr).not.toMatch(/training \d+ parameters/); // never got as far as training
    }
  });
});
