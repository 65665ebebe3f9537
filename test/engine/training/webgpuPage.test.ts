/**
 * The engine's training step in a browser page on Chromium's own WebGPU: the path the Electron app takes for GPU
 * training (a hidden trainer window; electron/worker/README.md). Headless Debian Chromium with SwiftShader
 * (--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader) on a page served from 127.0.0.1 (a secure context:
 * a data: URL has no navigator.gpu). Loss and LoRA gradients must equal the same step on wasm in Node.
 */
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoraAdapter } from "../../../electron/engine/lora/LoraAdapter";
import { LoraConfigSchema } from "../../../electron/engine/lora/LoraConfig";
import { LlamaModel } from "../../../electron/engine/model/LlamaModel";
import { lossAndGradients } from "../../../electron/engine/training/lossAndGradients";
import { initTfjs } from "../../../native-deps/tfjsBackend";
import type { RandomModelSpec } from "../model/randomModel";
import { randomModel } from "../model/randomModel";
import type { PageStepInput, PageStepResult } from "./page/trainStepEntry";
import { chromiumMissing, launchChromiumWithSwiftShaderWebgpu } from "../../../e2e/support/launchChromium";

const skip = chromiumMissing() ?? undefined;
if (skip) console.info(`webgpu page test skipped: ${skip}`);

const SPEC: RandomModelSpec = { arch: "qwen2", nLayer: 1, nEmbd: 16, nHead: 4, nHeadKv: 2, headDim: 4, nFf: 20, vocab: 31, nRot: 4, ropeBase: 1000, rmsEps: 1e-6, tied: true, qkvBias: true };
const INPUT: PageStepInput = { spec: SPEC, seed: 99, tokens: Array.from({ length: 13 }, (_, i) => (i * 5 + 2) % SPEC.vocab) };

let server: Server | undefined;
let browser: Browser | undefined;
let url = "";

beforeAll(async () => {
  if (skip) return;
  const bundled = await build({ entryPoints: [join(__dirname, "page", "trainStepEntry.ts")], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "error" });
  const js = bundled.outputFiles[0]!.contents;
  server = createServer((req, res) => {
    if (req.url === "/trainer.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(js);
      return;
    }
    res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script type="module" src="/trainer.js"></script>');
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await launchChromiumWithSwiftShaderWebgpu();
});
afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** The same step on wasm in this process. */
async function stepOnWasm(): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  await initTfjs({ prefer: "wasm" });
  const model = await LlamaModel.load(randomModel(INPUT.spec, INPUT.seed).source);
  const adapter = LoraAdapter.create(model.config, LoraConfigSchema.parse({ rank: 2, alpha: 4, dropout: 0 }), 3);
  const weights = await adapter.getWeights();
  for (const [name, w] of Object.entries(weights)) if (name.endsWith(".lora_b")) w.values.forEach((_, i) => (w.values[i] = Math.sin(i + 1) * 0.2));
  adapter.setWeights(weights);
  const T = INPUT.tokens.length - 1;
  const { loss, grads } = await lossAndGradients(model, adapter, {
    inputs: [INPUT.tokens.slice(0, T)],
    targets: Int32Array.from(INPUT.tokens.slice(1)),
    mask: new Float32Array(T).fill(1),
    lossTokens: T,
    tokens: T,
    truncated: 0,
  });
  const out: Record<string, Float32Array> = {};
  for (const [name, g] of Object.entries(grads)) {
    out[name] = (await g.data()) as Float32Array;
    g.dispose();
  }
  adapter.dispose();
  model.dispose();
  return { loss, grads: out };
}

describe.skipIf(skip)("a training step in a page on Chromium's WebGPU", () => {
  it("runs the engine's step on webgpu and matches wasm in Node", async () => {
    const page = await browser!.newPage();
    await page.goto(url);
    await page.waitForFunction(() => typeof (globalThis as { trainStep?: unknown }).trainStep === "function", null, { timeout: 60_000 });
    const got = (await page.evaluate((input) => (globalThis as unknown as { trainStep(i: PageStepInput): Promise<PageStepResult> }).trainStep(input), INPUT)) as PageStepResult;
    expect(got.backend).toBe("webgpu");
    expect(got.adapter).toMatch(/swiftshader/i);
    const want = await stepOnWasm();
    expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThanOrEqual(1e-5);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
    let worst = 0;
    for (const [name, w] of Object.entries(want.grads)) {
      const g = got.grads[name]!;
      const scale = Math.max(...w.map(Math.abs));
      expect(scale, name).toBeGreaterThan(0);
      worst = Math.max(worst, Math.max(...Array.from(w, (v, i) => Math.abs(v - g[i]!))) / scale);
    }
    console.info(`page on Chromium WebGPU (${got.adapter}) vs wasm: loss ${got.loss} vs ${want.loss}, worst gradient difference ${worst.toExponential(2)} relative`);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
});
