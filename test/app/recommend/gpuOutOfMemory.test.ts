/**
 * A lost GPU device or a failed GPU allocation is an out-of-memory for the step-down, said in plain words (not
 * "out of memory" alone, which would point at the RAM); other GPU errors are not.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { looksOutOfMemory, outOfMemoryKind } from "../../../electron/app/recommend/looksOutOfMemory";
import type { TrainingProcess, TrainingProcessResult } from "../../../electron/app/training/forkTrainingWorker";
import type { RunRecord } from "../../../electron/app/training/RunRecord";
import { trainWithStepDown } from "../../../electron/app/training/trainWithStepDown";
import type { TrainJob } from "../../../electron/engine/training/TrainJob";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";

const failed = (message: string, code = "Error"): TrainingProcessResult => ({ status: "failed", error: { code, message } });
const died = (cause: string, signal: NodeJS.Signals | null = null, exitCode: number | null = 1): TrainingProcessResult => ({ status: "died", signal, exitCode, cause });

describe("outOfMemoryKind", () => {
  it("classifies WebGPU's, Dawn's, Vulkan's, Direct3D's and TensorFlow's GPU failures as GPU out-of-memory", () => {
    for (const message of [
      "GPUOutOfMemoryError: Out of memory",
      "OperationError: Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost",
      "The GPU device was lost (GPUDeviceLostInfo reason 'unknown'): VK_ERROR_DEVICE_LOST",
      "Device lost: DXGI_ERROR_DEVICE_REMOVED",
      "vkAllocateMemory failed with VK_ERROR_OUT_OF_DEVICE_MEMORY",
      "OOM when allocating tensor with shape[1,512,151936] and type float on /job:localhost/replica:0/task:0/device:GPU:0",
      "ResourceExhaustedError: failed to allocate memory",
      "Out of memory while creating buffer of 600000000 bytes",
    ]) {
      expect(outOfMemoryKind(failed(message)), message).toBe("gpu");
      expect(looksOutOfMemory(failed(message)), message).toBe(true);
    }
    expect(outOfMemoryKind(died("the training process ended: GPU device lost"))).toBe("gpu");
    // Dawn in Node after a lost device: an AbortError without a message (what the worker reports as code and message).
    expect(outOfMemoryKind(failed("", "AbortError"))).toBe("gpu");
    expect(outOfMemoryKind(failed("The operation was aborted", "AbortError"))).toBeNull();
  });

  it("keeps the RAM's out-of-memory as it was, and other errors as no out-of-memory", () => {
    expect(outOfMemoryKind(died("killed", "SIGKILL", null))).toBe("ram");
    expect(outOfMemoryKind(failed("memory access out of bounds"))).toBe("ram");
    expect(outOfMemoryKind(failed("RangeError: Array buffer allocation failed"))).toBe("ram");
    expect(outOfMemoryKind(failed("Kernel 'Foo' not registered for backend 'webgpu'"))).toBeNull();
    expect(outOfMemoryKind(failed("GPUValidationError: Binding size (600000000) is larger than the maximum binding size"))).toBeNull();
    expect(outOfMemoryKind(died("crashed", "SIGSEGV", null))).toBeNull();
  });
});

const dir = mkdtempSync(join(tmpdir(), "gpu-oom-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("trainWithStepDown on a GPU that runs out of memory", () => {
  it("steps the batch down and says the GPU ran out, in run.json and to the caller", async () => {
    const out = join(dir, "run");
    mkdirSync(out, { recursive: true });
    const config = TrainConfigSchema.parse({ batchSize: 4, gradAccum: 2 });
    const record: RunRecord = {
      version: 1, status: "running", createdAt: "t", updatedAt: "t",
      baseModel: { path: "/m.gguf", sha256: "a", architecture: "llama", parameters: 1 },
      data: { files: [], sha256: "b", trainExamples: 1, validationExamples: 0, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" },
      job: { modelPath: "/m.gguf", trainPath: join(out, "t.jsonl"), validationPath: null, outDir: out, config, resume: false, backend: "webgpu" },
      attempts: [],
    };
    const jobs: TrainJob[] = [];
    const results: TrainingProcessResult[] = [
      failed("", "AbortError"),
      failed("GPUOutOfMemoryError: Out of memory"),
      failed("Kernel 'Foo' not registered for backend 'webgpu'"),
    ];
    const startWorker = (job: TrainJob): TrainingProcess => {
      jobs.push(job);
      const result = results[jobs.length - 1]!;
      return { pid: 1, pause() {}, resume() {}, cancel() {}, done: Promise.resolve(result) };
    };
    const said: string[] = [];
    const final = await trainWithStepDown(record, () => {}, { startWorker, onStepDown: (r) => said.push(r) });
    expect(jobs.map((j) => j.config.batchSize)).toEqual([4, 2, 1]);
    expect(jobs.every((j) => j.backend === "webgpu")).toBe(true);
    expect(said[0]).toMatch(/^The GPU lost its device during training \(the driver reset it, most often because the GPU ran out of memory\)\. Out of memory with batch 4: retrying with batch 2/);
    expect(said[1]).toMatch(/^The GPU ran out of memory \(a GPU allocation failed\)\. Out of memory with batch 2/);
    // The third failure is no out-of-memory: no further step-down, the run fails with its own error.
    expect(said).toHaveLength(2);
    expect(final.status).toBe("failed");
    const stored = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunRecord;
    expect(stored.stepDowns!.map((s) => s.reason.en.slice(0, 30))).toEqual(["The GPU lost its device during", "The GPU ran out of memory (a G"]);
    expect(stored.stepDowns![0]!.reason.zh).toMatch(/GPU 设备丢失/);
  });
});

describe("trainWithStepDown with nothing left to step down on a GPU", () => {
  it("fails with words that say the GPU ran out, and what to do", async () => {
    const out = join(dir, "last");
    mkdirSync(out, { recursive: true });
    const config = TrainConfigSchema.parse({ batchSize: 1, gradAccum: 8, gradientCheckpointing: true, seqLen: 64 });
    const record: RunRecord = {
      version: 1, status: "running", createdAt: "t", updatedAt: "t",
      baseModel: { path: "/m.gguf", sha256: "a", architecture: "llama", parameters: 1 },
      data: { files: [], sha256: "b", trainExamples: 1, validationExamples: 0, excludedExamples: 0, truncatedExamples: 0, datasetRecord: "data/dataset.json" },
      job: { modelPath: "/m.gguf", trainPath: join(out, "t.jsonl"), validationPath: null, outDir: out, config, resume: false, backend: "webgpu" },
      attempts: [],
    };
    const startWorker = (): TrainingProcess => ({ pid: 1, pause() {}, resume() {}, cancel() {}, done: Promise.resolve(failed("", "AbortError")) });
    const final = await trainWithStepDown(record, () => {}, { startWorker });
    expect(final.status).toBe("failed");
    expect(final.error!.message).toMatch(/^The GPU lost its device during training .* Nothing is left to step down .*: train on the CPU \(LORA_STUDIO_BACKEND=wasm\) or choose a smaller model\.$/);
    expect((JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunRecord).error!.message).toBe(final.error!.message);
  });
});
