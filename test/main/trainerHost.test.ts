/**
 * The main process's side of the hidden trainer window, in plain Node (electron/worker/webgpuTrainer/trainerHost.ts):
 * the page's file requests are served only inside the job's bounds, the worker protocol is relayed exactly as a
 * utilityProcess's, and the window's end becomes the worker's exit or its death with a cause.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { relayTrainingProcess } from "../../electron/app/training/relayTrainingProcess";
import { startWorkerByBackend } from "../../electron/app/training/startWorkerByBackend";
import type { TrainingProcess, TrainingProcessResult } from "../../electron/app/training/forkTrainingWorker";
import type { TrainJob, TrainWorkerCommand } from "../../electron/engine/training/TrainJob";
import type { TrainingEvent } from "../../electron/engine/training/trainingEvents";
import { createTrainerHost, type TrainerLink } from "../../electron/worker/webgpuTrainer/trainerHost";
import { renderProcessGoneCause, responsivenessWatch, unresponsiveCause } from "../../electron/worker/webgpuTrainer/trainerDeathCause";
import { trainerPathGuard } from "../../electron/worker/webgpuTrainer/trainerPathGuard";
import type { HostToPage, PageToHost, TrainerFileRequest } from "../../electron/worker/webgpuTrainer/trainerPortProtocol";

const dir = mkdtempSync(join(tmpdir(), "trainer-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const outDir = join(dir, "run");
const job = { modelPath: join(dir, "m.gguf"), trainPath: join(dir, "data", "train.jsonl"), validationPath: null, outDir } as unknown as TrainJob;
mkdirSync(join(dir, "data"), { recursive: true });
writeFileSync(job.modelPath, Buffer.from("GGUF0123456789"));
writeFileSync(job.trainPath, `${JSON.stringify({ tokens: [1, 2, 3], lossMask: [0, 1, 1] })}\n`);
writeFileSync(join(dir, "secret.txt"), "not for the page");

/** A fake page: what the host posts is recorded, and `page(message)` plays the page. */
function fakeLink() {
  const posted: HostToPage[] = [];
  let handler: (m: PageToHost) => void = () => {};
  const link: TrainerLink = { post: (m) => void posted.push(m), onMessage: (h) => void (handler = h) };
  return { link, posted, page: (m: PageToHost) => handler(m) };
}

/** Sends a file request as the page would and waits for its reply. */
async function ask(f: ReturnType<typeof fakeLink>, request: TrainerFileRequest, id: number) {
  f.page({ type: "file", id, request });
  await vi.waitFor(() => expect(f.posted.some((m) => m.type === "file-reply" && m.id === id)).toBe(true));
  return f.posted.find((m) => m.type === "file-reply" && m.id === id) as Extract<HostToPage, { type: "file-reply" }>;
}

function started() {
  const f = fakeLink();
  const host = createTrainerHost(f.link, { pid: () => 4242, allowSoftwareAdapter: false });
  const events: TrainingEvent[] = [];
  const proc = relayTrainingProcess(host.port, job, (e) => events.push(e));
  f.page({ type: "ready" });
  return { f, host, proc, events };
}

describe("the trainer host's path checks", () => {
  const guard = trainerPathGuard(job);
  it("let the page read its model and data, and use its run folder", () => {
    expect(guard(job.modelPath, "model")).toBe(job.modelPath);
    expect(guard(job.trainPath, "data")).toBe(job.trainPath);
    expect(guard(outDir, "run-folder")).toBe(outDir);
    expect(guard(join(outDir, "checkpoints", "step-0000002", "tensors.bin"), "in-run-folder")).toBe(join(outDir, "checkpoints", "step-0000002", "tensors.bin"));
  });
  it("refuse everything else, naming the path and the folder", () => {
    expect(() => guard(join(dir, "secret.txt"), "model")).toThrow(`the trainer window asked to read ${join(dir, "secret.txt")}, which is not this run's model (${job.modelPath}); refused`);
    expect(() => guard(job.modelPath, "data")).toThrow(/not this run's prepared data/);
    expect(() => guard(join(outDir, "..", "secret.txt"), "in-run-folder")).toThrow(`the trainer window asked to use ${join(dir, "secret.txt")}, outside the run folder ${outDir}; refused`);
    expect(() => guard(`${outDir}-other/x`, "in-run-folder")).toThrow(/outside the run folder/);
    expect(() => guard(outDir, "in-run-folder")).toThrow(/outside the run folder/); // the folder itself cannot be removed or replaced
    expect(() => guard("run/adapter.gguf", "in-run-folder")).toThrow(/not an absolute path/);
    expect(() => guard(`${outDir}/a\0b`, "in-run-folder")).toThrow(/not an absolute path/);
    expect(() => guard(42, "in-run-folder")).toThrow(/not an absolute path/);
  });
});

describe("the trainer host", () => {
  it("says hello first (path separator, software adapters refused), then relays the protocol like a utilityProcess", async () => {
    const { f, proc, events } = started();
    expect(f.posted[0]).toEqual({ type: "hello", sep: "/", allowSoftwareAdapter: false });
    expect(f.posted[1]).toEqual({ type: "start", job });
    expect(proc.pid).toBe(4242);
    proc.pause();
    proc.resume();
    proc.cancel();
    expect(f.posted.slice(2).map((m) => m.type)).toEqual(["pause", "resume", "cancel"] satisfies TrainWorkerCommand["type"][]);
    f.page({ type: "event", event: { type: "paused", step: 3 } });
    expect(events).toEqual([{ type: "paused", step: 3 }]);
  });

  it("serves the model by ranges, the data parsed, and writes in the run folder; refuses the rest", async () => {
    const { f } = started();
    const open = await ask(f, { op: "open", path: job.modelPath }, 1);
    expect(open).toMatchObject({ ok: true, value: { size: 14 } });
    const handle = (open as { value: { handle: number } }).value.handle;
    const read = await ask(f, { op: "read", handle, position: 4, length: 6 }, 2);
    expect(Buffer.from((read as { value: Uint8Array }).value).toString()).toBe("012345");
    expect(await ask(f, { op: "readSequences", path: job.trainPath }, 3)).toMatchObject({ ok: true, value: [{ tokens: [1, 2, 3], lossMask: [0, 1, 1] }] });
    expect(await ask(f, { op: "mkdir", path: join(outDir, "checkpoints", ".tmp-x") }, 4)).toMatchObject({ ok: true });
    const file = join(outDir, "checkpoints", ".tmp-x", "tensors.bin");
    expect(await ask(f, { op: "writeFile", path: file, chunks: [new Uint8Array([1, 2]), new Uint8Array([3])] }, 5)).toMatchObject({ ok: true });
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(await ask(f, { op: "rename", from: join(outDir, "checkpoints", ".tmp-x"), to: join(outDir, "checkpoints", "step-0000001") }, 6)).toMatchObject({ ok: true });
    expect(await ask(f, { op: "readdir", path: join(outDir, "checkpoints") }, 7)).toMatchObject({ ok: true, value: ["step-0000001"] });

    // Outside: the model path for writing, a sibling file, a rename out of the folder, a data read of the model.
    const refused = [
      await ask(f, { op: "readFile", path: join(dir, "secret.txt") }, 10),
      await ask(f, { op: "writeFile", path: job.modelPath, chunks: [new Uint8Array([0])] }, 11),
      await ask(f, { op: "rename", from: join(outDir, "checkpoints", "step-0000001"), to: join(dir, "stolen") }, 12),
      await ask(f, { op: "rm", path: dir }, 13),
      await ask(f, { op: "open", path: join(dir, "secret.txt") }, 14),
      await ask(f, { op: "readSequences", path: join(dir, "secret.txt") }, 15),
    ];
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { name: "TrainerPathRefused" } });
    expect(readFileSync(job.modelPath, "utf8")).toBe("GGUF0123456789");
    expect(existsSync(join(dir, "stolen"))).toBe(false);
    expect(existsSync(join(dir, "secret.txt"))).toBe(true);
    // A Node error keeps its code across the port (checkpointStore reads ENOSPC, ENOENT...).
    expect(await ask(f, { op: "readFile", path: join(outDir, "missing") }, 16)).toMatchObject({ ok: false, error: { code: "ENOENT" } });
  });

  it("serves nothing before the job is sent", async () => {
    const f = fakeLink();
    createTrainerHost(f.link);
    f.page({ type: "file", id: 1, request: { op: "open", path: job.modelPath } });
    await vi.waitFor(() => expect(f.posted.at(-1)).toMatchObject({ type: "file-reply", id: 1, ok: false, error: { name: "TrainerPathRefused", message: expect.stringMatching(/before its job was sent/) } }));
  });

  it("appends metrics lines in the run folder, and reports a failed one back to the page", async () => {
    const { f } = started();
    const metrics = join(outDir, "metrics.jsonl");
    f.page({ type: "metrics", path: metrics, runDir: outDir, event: { type: "paused", step: 1 } });
    f.page({ type: "metrics", path: metrics, runDir: outDir, event: { type: "resumed", step: 1 } });
    expect(readFileSync(metrics, "utf8").trim().split("\n").map((l) => JSON.parse(l).type)).toEqual(["paused", "resumed"]);
    f.page({ type: "metrics", path: join(dir, "elsewhere.jsonl"), runDir: outDir, event: { type: "paused", step: 2 } });
    expect(f.posted.at(-1)).toMatchObject({ type: "metrics-failed", error: { name: "TrainerPathRefused" } });
    expect(existsSync(join(dir, "elsewhere.jsonl"))).toBe(false);
  });

  it("after the page's report, closing the window is the worker's normal end", async () => {
    const f = fakeLink();
    const onSettled = vi.fn();
    const host = createTrainerHost(f.link, { onSettled });
    const proc = relayTrainingProcess(host.port, job, () => {});
    f.page({ type: "ready" });
    const outcome = { reason: "completed", step: 4 } as never;
    f.page({ type: "done", outcome });
    expect(onSettled).toHaveBeenCalledTimes(1);
    host.ended(0, "ignored after a report");
    expect(await proc.done).toEqual({ status: "finished", outcome });
    proc.cancel(); // nothing is sent to a closed window
    expect(f.posted.at(-1)).toMatchObject({ type: "start" });
  });

  it("a window that dies before reporting is the worker's death, with the window's cause", async () => {
    const { host, proc } = started();
    host.ended(1, renderProcessGoneCause({ reason: "oom", exitCode: 1 }));
    expect(await proc.done).toEqual({ status: "died", exitCode: 1, signal: null, cause: "the training window ran out of memory (exit code 1)" });
    const other = started();
    other.host.ended(0);
    expect(await other.proc.done).toMatchObject({ status: "died", cause: "the training window closed before the run finished" });
  });
});

describe("the trainer window's death causes", () => {
  it("say what Chromium reported, 'memory' only where it said so", () => {
    expect(renderProcessGoneCause({ reason: "crashed", exitCode: 139 })).toBe("the training window's process crashed (exit code 139)");
    expect(renderProcessGoneCause({ reason: "killed", exitCode: 9 })).toMatch(/^the training window's process was killed \(exit code 9\)/);
    expect(renderProcessGoneCause({ reason: "launch-failed" })).toBe("the training window's process could not be started");
    expect(renderProcessGoneCause({ reason: "oom" })).toMatch(/memory/);
    for (const reason of ["crashed", "launch-failed", "integrity-failure", "abnormal-exit", "clean-exit"]) expect(renderProcessGoneCause({ reason, exitCode: 1 })).not.toMatch(/memory/);
    expect(unresponsiveCause(120)).toBe("the training window stopped responding for 120 s and was closed");
  });

  it("an unresponsive window is taken for dead only if it stays so", () => {
    vi.useFakeTimers();
    try {
      const hung = vi.fn();
      const watch = responsivenessWatch(1000, hung);
      watch.unresponsive();
      vi.advanceTimersByTime(900);
      watch.responsive();
      vi.advanceTimersByTime(5000);
      expect(hung).not.toHaveBeenCalled();
      watch.unresponsive();
      watch.unresponsive(); // a repeat does not restart the clock
      vi.advanceTimersByTime(1000);
      expect(hung).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

/** A StartWorker stub whose process ends as told. */
function stubWorker(result: TrainingProcessResult, started: TrainJob[], calls: string[]) {
  return (j: TrainJob, onEvent: (e: TrainingEvent) => void): TrainingProcess => {
    started.push(j);
    if (result.status === "finished") onEvent({ type: "started", backend: "wasm" } as TrainingEvent);
    return { pid: started.length, pause: () => void calls.push("pause"), resume: () => void calls.push("resume"), cancel: () => void calls.push("cancel"), done: Promise.resolve(result) };
  };
}

describe("startWorkerByBackend", () => {
  const finished: TrainingProcessResult = { status: "finished", outcome: { reason: "completed" } as never };
  it("trains webgpu jobs in the trainer window and every other backend in the utilityProcess", async () => {
    const windowJobs: TrainJob[] = [];
    const processJobs: TrainJob[] = [];
    const start = startWorkerByBackend({ webgpuWindow: stubWorker(finished, windowJobs, []), process: stubWorker(finished, processJobs, []) });
    await start({ ...job, backend: "webgpu" }, () => {}).done;
    await start({ ...job, backend: "wasm" }, () => {}).done;
    await start(job, () => {}).done;
    expect(windowJobs.map((j) => j.backend)).toEqual(["webgpu"]);
    expect(processJobs.map((j) => j.backend)).toEqual(["wasm", undefined]);
  });

  it("falls back to the utilityProcess when the window has no usable WebGPU, and says why", async () => {
    const processJobs: TrainJob[] = [];
    const events: TrainingEvent[] = [];
    const start = startWorkerByBackend({
      webgpuWindow: stubWorker({ status: "failed", error: { code: "WebgpuUnavailable", message: "SwiftShader is a software adapter" } }, [], []),
      process: stubWorker(finished, processJobs, []),
    });
    expect(await start({ ...job, backend: "webgpu" }, (e) => events.push(e)).done).toEqual(finished);
    expect(processJobs).toHaveLength(1);
    expect(processJobs[0]).not.toHaveProperty("backend");
    expect(events).toEqual([{ type: "started", backend: "wasm", gpuNotice: "WebGPU not used: SwiftShader is a software adapter; training on wasm instead" }]);
  });

  it("does not fall back after a cancel, nor on other failures; without a window webgpu jobs go to the utilityProcess", async () => {
    const processJobs: TrainJob[] = [];
    const unavailable: TrainingProcessResult = { status: "failed", error: { code: "WebgpuUnavailable", message: "x" } };
    const start = startWorkerByBackend({ webgpuWindow: stubWorker(unavailable, [], []), process: stubWorker(finished, processJobs, []) });
    const p = start({ ...job, backend: "webgpu" }, () => {});
    p.cancel();
    expect(await p.done).toEqual(unavailable);
    const other: TrainingProcessResult = { status: "failed", error: { code: "DiskFull", message: "y" } };
    expect(await startWorkerByBackend({ webgpuWindow: stubWorker(other, [], []), process: stubWorker(finished, processJobs, []) })({ ...job, backend: "webgpu" }, () => {}).done).toEqual(other);
    expect(processJobs).toHaveLength(0);
    await startWorkerByBackend({ webgpuWindow: null, process: stubWorker(finished, processJobs, []) })({ ...job, backend: "webgpu" }, () => {}).done;
    expect(processJobs).toHaveLength(1);
    expect(processJobs[0]).not.toHaveProperty("backend");
  });
});
