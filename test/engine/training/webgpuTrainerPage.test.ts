/**
 * The hidden trainer window's page, end to end, without Electron: the bundled page (scripts/trainerPageBuild.mjs)
 * in headless Debian Chromium on SwiftShader's WebGPU, connected to the host protocol of the main process
 * (electron/worker/webgpuTrainer/trainerHost.ts, on node:fs here) through a Playwright bridge that stands in for
 * the MessagePort. It trains a tiny model through relayTrainingProcess (the utilityProcess's relay), pauses,
 * resumes, writes checkpoints, metrics and adapters through the host, and its losses equal the same run in Node on
 * wasm; a second run is cancelled and checkpoints first, as the app asks on quit.
 */
import { createServer, type Server } from "node:http";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayTrainingProcess } from "../../../electron/app/training/relayTrainingProcess";
import { prepareTrainingRun } from "../../../electron/app/training/trainRun";
import { runTrainingJob } from "../../../electron/engine/training/runTrainingJob";
import { TrainConfigSchema } from "../../../electron/engine/training/TrainConfig";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import type { TrainJob } from "../../../electron/engine/training/TrainJob";
import type { TrainingEvent } from "../../../electron/engine/training/trainingEvents";
import { createTrainerHost } from "../../../electron/worker/webgpuTrainer/trainerHost";
import { TRAINER_PORT_MESSAGE } from "../../../electron/worker/webgpuTrainer/trainerPortProtocol";
// @ts-expect-error: a plain .mjs build script without type declarations
import { TRAINER_PAGE_CSP, TRAINER_PAGE_HTML, trainerPageBuildOptions } from "../../../scripts/trainerPageBuild.mjs";
import { repoRoot } from "../../helpers/paths";
import { bridgeTrainerPage } from "../../helpers/trainerPageBridge";
import { tinyTrainingFixture } from "../../helpers/tinyTrainingFixture";
import { chromiumMissing, launchChromiumWithSwiftShaderWebgpu } from "../../../e2e/support/launchChromium";

const skip = chromiumMissing() ?? undefined;
if (skip) console.info(`webgpu trainer page test skipped: ${skip}`);

const { dir, model, data } = tinyTrainingFixture("webgpu-trainer-page-", 12);
const STEPS = 4;
const config = TrainConfigSchema.parse({ lr: 3e-3, maxSteps: STEPS, batchSize: 2, gradAccum: 1, seqLen: 64, checkpointEvery: 2, evalEvery: 0, seed: 5, lora: { rank: 2, alpha: 4, targets: ["q", "v"] } });

let server: Server | undefined;
let browser: Browser | undefined;
let url = "";
let job: TrainJob;

beforeAll(async () => {
  if (skip) return;
  const bundled = await build({ ...trainerPageBuildOptions(repoRoot), write: false });
  const js = bundled.outputFiles![0]!.contents;
  // Served like the app:// handler serves it: the page's own script only, under the trainer page's CSP.
  server = createServer((req, res) => {
    const headers = { "content-security-policy": TRAINER_PAGE_CSP as string };
    if (req.url === "/trainer.js") return void res.writeHead(200, { ...headers, "content-type": "text/javascript" }).end(js);
    res.writeHead(200, { ...headers, "content-type": "text/html" }).end(TRAINER_PAGE_HTML);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await launchChromiumWithSwiftShaderWebgpu();
  const record = await prepareTrainingRun({ modelPath: model, dataPaths: [data], outDir: join(dir, "prepared"), config, valSplit: 0 });
  job = { ...record.job, backend: "webgpu" };
}, 120_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** The page connected to a host, driven through the relay as the app drives a utilityProcess. */
async function trainInPage(outDir: string, onEvent: (e: TrainingEvent, p: ReturnType<typeof relayTrainingProcess>) => void, onStart: (p: ReturnType<typeof relayTrainingProcess>) => void = () => {}, allowSoftwareAdapter = true) {
  const page: Page = await browser!.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const link = await bridgeTrainerPage(page, TRAINER_PORT_MESSAGE);
  let closed = false;
  const host = createTrainerHost(link, {
    allowSoftwareAdapter,
    // The Electron glue closes the window once the page has reported; its end is then the worker's normal exit.
    onSettled: () => void page.close().then(() => ((closed = true), host.ended(0))),
  });
  await page.goto(url);
  const events: TrainingEvent[] = [];
  const proc: ReturnType<typeof relayTrainingProcess> = relayTrainingProcess(host.port, { ...job, outDir }, (e) => {
    events.push(e);
    onEvent(e, proc);
  });
  onStart(proc);
  const result = await proc.done;
  if (result.status !== "finished") console.info(`trainer page run ended ${JSON.stringify(result)}`);
  return { result, events, errors, closed };
}

describe.skipIf(skip)("the trainer page on Chromium's WebGPU, through the host protocol", () => {
  it("trains, pauses, resumes and checkpoints through the host; losses equal the same run on wasm in Node", async () => {
    const out = join(dir, "page-run");
    let paused = false;
    const page = await trainInPage(out, (e, p) => {
      if (e.type === "step" && e.step === 2 && !paused) ((paused = true), p.pause());
      if (e.type === "paused") setTimeout(() => p.resume(), 200);
    });
    expect(page.errors).toEqual([]);
    expect(page.result).toMatchObject({ status: "finished", outcome: { reason: "completed", step: STEPS, backend: "webgpu" } });
    expect(page.closed).toBe(true);
    const started = page.events.find((e) => e.type === "started");
    expect(started).toMatchObject({ backend: "webgpu", totalSteps: STEPS });
    const pausedAt = page.events.find((e) => e.type === "paused");
    expect(pausedAt).toBeDefined();
    expect(page.events.some((e) => e.type === "resumed")).toBe(true);
    expect(page.events.find((e) => e.type === "checkpoint" && e.reason === "pause")).toMatchObject({ path: join(out, "checkpoints", `step-${String((pausedAt as { step: number }).step).padStart(7, "0")}`) });
    // Written through the host: checkpoints (whole, with their manifest), metrics.jsonl, both adapters.
    const checkpoints = readdirSync(join(out, "checkpoints"));
    expect(checkpoints).toContain(`step-${String(STEPS).padStart(7, "0")}`);
    expect(checkpoints.filter((n) => n.startsWith(".tmp"))).toEqual([]);
    for (const c of checkpoints) expect(readdirSync(join(out, "checkpoints", c)).sort()).toEqual(["checkpoint.json", "manifest.json", "tensors.bin"]);
    const metrics = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as TrainingEvent);
    expect(metrics.map((m) => m.type)).toEqual(page.events.map((e) => e.type));
    for (const f of ["adapter.gguf", "adapter-last.gguf"]) expect(readFileSync(join(out, f)).subarray(0, 4).toString()).toBe("GGUF");

    // The same run in this process on wasm.
    const wasmEvents: TrainingEvent[] = [];
    await runTrainingJob({ ...job, backend: "wasm", outDir: join(dir, "wasm-run") }, new TrainerControl(), (e) => wasmEvents.push(e));
    const losses = (events: TrainingEvent[]) => events.flatMap((e) => (e.type === "step" ? [e.loss] : []));
    const got = losses(page.events);
    const want = losses(wasmEvents);
    expect(got).toHaveLength(STEPS);
    expect(want).toHaveLength(STEPS);
    const worst = Math.max(...got.map((l, i) => Math.abs(l - want[i]!) / Math.abs(want[i]!)));
    console.info(`trainer page on Chromium WebGPU vs wasm in Node, ${STEPS} steps: losses ${got.map((l) => l.toFixed(5)).join(" ")} vs ${want.map((l) => l.toFixed(5)).join(" ")}; worst ${worst.toExponential(2)} relative`);
    expect(worst).toBeLessThanOrEqual(1e-4);
  }, 180_000);

  it("cancels as the app does on quit: the page checkpoints, reports a cancelled run, and its window is closed", async () => {
    // Sent at once, as a quit right after the start does (a cancel between later steps takes the same path in the
    // Trainer; one more step on SwiftShader would cost ~20 s of shader compiling).
    const out = join(dir, "cancelled-run");
    const page = await trainInPage(out, () => {}, (p) => p.cancel());
    expect(page.errors).toEqual([]);
    expect(page.result).toMatchObject({ status: "finished", outcome: { reason: "cancelled", step: 0, backend: "webgpu" } });
    expect(page.events.map((e) => e.type)).toEqual(["started", "checkpoint", "finished"]);
    expect(page.events[1]).toMatchObject({ reason: "cancel", step: 0, path: join(out, "checkpoints", "step-0000000") });
    expect(readdirSync(join(out, "checkpoints", "step-0000000")).sort()).toEqual(["checkpoint.json", "manifest.json", "tensors.bin"]);
    expect(page.closed).toBe(true);
  }, 120_000);

  it("refuses a software adapter unless forced: the app then trains on the utilityProcess (startWorkerByBackend)", async () => {
    const page = await trainInPage(join(dir, "refused-run"), () => {}, () => {}, false);
    expect(page.result).toMatchObject({ status: "failed", error: { code: "WebgpuUnavailable", message: expect.stringMatching(/^SwiftShader is a software adapter .*never chosen unless forced with LORA_STUDIO_BACKEND=webgpu$/) } });
    expect(page.events).toEqual([]);
    expect(page.closed).toBe(true);
  }, 60_000);
});
