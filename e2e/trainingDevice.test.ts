/**
 * The hardware chip and the Settings screen say which device trains and the predicted time per pass over the data,
 * in English and Chinese. In this browser e2e there is no hardware GPU (and no Vulkan driver the bridge is pointed
 * at): the chip says CPU, its tooltip says why in one line, and Settings names the CPU with a time per epoch from
 * the calibration's test steps. The GPU wording is covered by test/app/recommend/backendBySpeed.test.ts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyModel } from "../electron/engine/gguf/tiny/makeTinyModel";
import { repoRoot } from "../test/helpers/paths";
import { chromiumMissing, launchChromium } from "./support/launchChromium";
import { guardOffline } from "./support/offlineGuard";
import { buildRendererForTest } from "./support/buildRendererForTest";
import { startBridgeProcess, type BridgeProcess } from "./support/startBridgeProcess";

const missing = chromiumMissing();
if (missing) console.log(`skipping the training-device e2e: ${missing}`);
const SAMPLE = join(repoRoot, "resources/samples/clinic-faq.jsonl");

describe.skipIf(missing !== null)("which device trains, in the browser", () => {
  let bridge: BridgeProcess;
  let rendererDir: string;
  let browser: Browser;
  let page: Page;
  let modelPath: string;
  const byTest = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    rendererDir = buildRendererForTest();
    const home = mkdtempSync(join(tmpdir(), "lora-studio-e2e-device-"));
    modelPath = (await makeTinyModel({ arch: "qwen2", preset: "tiny", out: join(home, "..", `${home.split("/").pop()}-tiny.gguf`) })).path;
    // No forced backend: the bridge chooses as on a user's machine without a GPU.
    bridge = await startBridgeProcess(home, ["--threads", "1", "--renderer", rendererDir], { LORA_STUDIO_BACKEND: "" });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
    await guardOffline(context);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    const code = await bridge?.stop();
    if (code !== 0 && bridge) console.log(bridge.log.slice(-30).join("\n"));
  });

  it("the chip says CPU and why, and Settings names the device with a time per epoch, in both languages", { timeout: 600_000 }, async () => {
    await page.goto(bridge.url);
    const chip = byTest("hardware-chip");
    await expect.poll(() => chip.innerText(), { timeout: 60_000 }).toMatch(/^CPU · /);
    await chip.hover();
    const tooltip = page.getByRole("tooltip");
    await expect.poll(() => tooltip.innerText().catch(() => ""), { timeout: 10_000 }).toMatch(/Training runs on the CPU: /);
    const lines = (await tooltip.innerText()).split("\n");
    const why = lines.find((l) => l.startsWith("No GPU trains here: "));
    expect(why, lines.join("\n")).toBeDefined();
    expect(why!.length).toBeGreaterThan("No GPU trains here: ".length + 10); // names the reason, in one line
    expect(lines).toContain("The time per pass over the data (epoch) is predicted in each project's Settings step, from a short test run.");
    await page.mouse.move(0, 0);

    // A project with a model and data, to reach Settings.
    await byTest("project-name-input").fill("Device check");
    await byTest("project-create").click();
    await expect.poll(() => byTest("step-model").isVisible(), { timeout: 20_000 }).toBe(true);
    await byTest("model-upload-input").setInputFiles(modelPath);
    await expect.poll(() => byTest("model-trainable").isVisible(), { timeout: 60_000 }).toBe(true);
    await byTest("model-save").click();
    await expect.poll(() => byTest("screen-data").isVisible(), { timeout: 20_000 }).toBe(true);
    await byTest("data-upload-input").setInputFiles([SAMPLE]);
    await expect.poll(() => byTest("data-import").isEnabled().catch(() => false), { timeout: 120_000 }).toBe(true);
    await byTest("data-import").click();
    await expect.poll(() => byTest("data-current").isVisible(), { timeout: 120_000 }).toBe(true);
    await byTest("step-next").click();
    await expect.poll(() => byTest("screen-settings").isVisible()).toBe(true);

    const device = byTest("settings-device");
    await expect.poll(() => device.innerText().catch(() => ""), { timeout: 240_000 }).toMatch(/^Trains on the CPU \(.+\): about \d.* per pass over the data \(epoch\)$/);
    expect(await device.innerText()).not.toContain("—"); // the calibration measured a time
    expect(await byTest("settings-device-decision").count()).toBe(0); // no GPU to time against
    console.info(`chip: ${await chip.innerText()}; ${why}; settings: ${await device.innerText()}`);

    await byTest("language-zh").click();
    await expect.poll(() => chip.innerText()).toMatch(/^CPU · /);
    await expect.poll(() => device.innerText()).toMatch(/^在 CPU（.+）上训练：每遍数据（一轮）约 \d/);
    await chip.hover();
    await expect.poll(() => tooltip.innerText().catch(() => ""), { timeout: 10_000 }).toMatch(/训练在 CPU 上运行：[\s\S]*此电脑没有可用于训练的 GPU：/);
  });
});
