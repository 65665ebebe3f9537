/**
 * The trainer page's RunEnvironment (electron/worker/webgpuTrainer/pageRunEnvironment.ts) in plain Node, wired
 * straight to the real host (trainerHost.ts) without a browser: checkpoints saved and loaded through the port
 * equal node:fs's, errors keep their name and code, a failed metrics line or a lost GPU is raised at the next
 * event, and a lost device reads as the GPU running out of memory for the step-down.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { outOfMemoryKind } from "../../electron/app/recommend/looksOutOfMemory";
import { relayTrainingProcess } from "../../electron/app/training/relayTrainingProcess";
import { loadLatestCheckpoint, saveCheckpoint } from "../../electron/engine/training/checkpointStore";
import { nodeRunFiles } from "../../electron/engine/training/nodeRunFiles";
import type { TrainJob } from "../../electron/engine/training/TrainJob";
import { pageRunEnvironment } from "../../electron/worker/webgpuTrainer/pageRunEnvironment";
import { createTrainerHost } from "../../electron/worker/webgpuTrainer/trainerHost";
import type { HostToPage, PageToHost } from "../../electron/worker/webgpuTrainer/trainerPortProtocol";
import { watchGpuDevice, type WatchedGpuDevice } from "../../electron/worker/webgpuTrainer/watchGpuDevice";

const dir = mkdtempSync(join(tmpdir(), "trainer-page-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const outDir = join(dir, "run");
const job = { modelPath: join(dir, "m.gguf"), trainPath: join(dir, "t.jsonl"), validationPath: null, outDir } as unknown as TrainJob;

/** The page's environment and the host, connected by two in-process queues standing in for the MessagePort. */
function connected() {
  let toPage: (m: HostToPage) => void = () => {};
  let toHost: (m: PageToHost) => void = () => {};
  const host = createTrainerHost({ post: (m) => queueMicrotask(() => toPage(m)), onMessage: (h) => void (toHost = h) });
  relayTrainingProcess(host.port, job, () => {});
  toHost({ type: "ready" }); // the relay sends the job: the host now serves this run's paths
  const page = pageRunEnvironment({ post: (m) => queueMicrotask(() => toHost(m)) }, { type: "hello", sep: "/", allowSoftwareAdapter: false }, {} as never);
  toPage = (m) => page.reply(m);
  return page;
}

const content = (seed: number) => ({
  state: { step: seed },
  config: { rank: 2 },
  adapter: { "blk.0.attn_q.weight.lora_a": { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, seed]) } },
  best: null,
  optimizer: { step: seed, moments: { "blk.0.attn_q.weight.lora_a": { m: new Float32Array(6).fill(0.5), v: new Float32Array(6).fill(0.25) } } },
});

describe("the trainer page's files, through the host", () => {
  it("save and load checkpoints exactly as node:fs does (same files, same sha256 in the manifest)", async () => {
    const { env } = connected();
    const viaPort = await saveCheckpoint(join(outDir, "checkpoints"), 3, content(3), { files: env.files });
    expect(viaPort).toBe(join(outDir, "checkpoints", "step-0000003"));
    expect(readdirSync(viaPort).sort()).toEqual(["checkpoint.json", "manifest.json", "tensors.bin"]);
    await saveCheckpoint(join(dir, "node-checkpoints"), 3, content(3), { files: nodeRunFiles });
    const manifest = (files: typeof nodeRunFiles, d: string) => files.readFile(join(d, "step-0000003", "manifest.json")).then((b) => new TextDecoder().decode(b));
    expect(await manifest(env.files, join(outDir, "checkpoints"))).toBe(await manifest(nodeRunFiles, join(dir, "node-checkpoints")));
    const loaded = await loadLatestCheckpoint(join(outDir, "checkpoints"), env.files);
    expect(loaded).toMatchObject({ step: 3, state: { step: 3 }, skipped: [] });
    expect([...loaded!.adapter["blk.0.attn_q.weight.lora_a"]!.values]).toEqual([1, 2, 3, 4, 5, 3]);
    // Older checkpoints are pruned through the port too (keep 2).
    await saveCheckpoint(join(outDir, "checkpoints"), 4, content(4), { files: env.files });
    await saveCheckpoint(join(outDir, "checkpoints"), 5, content(5), { files: env.files });
    expect(readdirSync(join(outDir, "checkpoints"))).toEqual(["step-0000004", "step-0000005"]);
  });

  it("join with the host's separator, and rebuild the host's errors with their name and code", async () => {
    const { env } = connected();
    expect(env.files.join("/a/run/", "checkpoints", "step-1/")).toBe("/a/run/checkpoints/step-1");
    const windows = pageRunEnvironment({ post: () => {} }, { type: "hello", sep: "\\", allowSoftwareAdapter: false }, {} as never);
    expect(windows.env.files.join("C:\\Users\\a\\run", "checkpoints")).toBe("C:\\Users\\a\\run\\checkpoints");
    await expect(env.files.readFile(join(outDir, "nothing"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(env.files.readFile(join(dir, "outside"))).rejects.toMatchObject({ name: "TrainerPathRefused" });
  });

  it("raise a metrics line the host could not write at the next event, as a full disk does in Node", async () => {
    const posted: PageToHost[] = [];
    const page = pageRunEnvironment({ post: (m) => void posted.push(m) }, { type: "hello", sep: "/", allowSoftwareAdapter: false }, {} as never);
    const write = page.env.metricsWriter(join(outDir, "metrics.jsonl"), outDir);
    write({ type: "paused", step: 1 });
    expect(posted).toEqual([{ type: "metrics", path: join(outDir, "metrics.jsonl"), runDir: outDir, event: { type: "paused", step: 1 } }]);
    page.reply({ type: "metrics-failed", error: { name: "DiskFull", message: "no space left to write metrics.jsonl (ENOSPC)" } });
    expect(() => write({ type: "resumed", step: 1 })).toThrow(expect.objectContaining({ name: "DiskFull", message: "no space left to write metrics.jsonl (ENOSPC)" }));
    expect(posted).toHaveLength(1);
  });
});

describe("the trainer page's GPU watch", () => {
  const device = () => {
    let lose: (info: { reason?: string; message?: string }) => void = () => {};
    const listeners: ((e: { error?: unknown }) => void)[] = [];
    const watched: WatchedGpuDevice = {
      lost: new Promise<{ reason?: string; message?: string }>((r) => (lose = r)),
      addEventListener: (_t, l) => void listeners.push(l as (e: { error?: unknown }) => void),
    };
    return {
      device: watched,
      lose: (info: { reason?: string; message?: string }) => lose(info),
      error: (error: unknown) => listeners.forEach((l) => l({ error })),
    };
  };

  it("a lost device fails the run with words the step-down reads as the GPU running out of memory", async () => {
    const d = device();
    const fail = vi.fn();
    watchGpuDevice(d.device, fail);
    d.lose({ reason: "unknown", message: "Device lost: VK_ERROR_DEVICE_LOST\nmore" });
    await vi.waitFor(() => expect(fail).toHaveBeenCalledTimes(1));
    const error = fail.mock.calls[0]![0] as Error;
    expect(error.message).toBe("the GPU device was lost during training (unknown: Device lost: VK_ERROR_DEVICE_LOST)");
    expect(outOfMemoryKind({ status: "failed", error: { code: error.name, message: error.message } })).toBe("gpu");
  });

  it("a failed GPU allocation fails it once; other errors and the page's own device.destroy() do not", async () => {
    class GPUOutOfMemoryError {
      constructor(readonly message: string) {}
    }
    class GPUValidationError {
      constructor(readonly message: string) {}
    }
    const d = device();
    const fail = vi.fn();
    watchGpuDevice(d.device, fail);
    d.error(new GPUValidationError("bad bind group"));
    expect(fail).not.toHaveBeenCalled();
    d.error(new GPUOutOfMemoryError("createBuffer: 545 MB"));
    d.error(new GPUOutOfMemoryError("again"));
    expect(fail).toHaveBeenCalledTimes(1);
    const error = fail.mock.calls[0]![0] as Error;
    expect(outOfMemoryKind({ status: "failed", error: { code: error.name, message: error.message } })).toBe("gpu");
    const quiet = device();
    const none = vi.fn();
    watchGpuDevice(quiet.device, none);
    quiet.lose({ reason: "destroyed", message: "" });
    await new Promise((r) => setTimeout(r, 10));
    expect(none).not.toHaveBeenCalled();
  });
});
