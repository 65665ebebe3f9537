/**
 * What the user already produced stays on the page: Compare's answers (a free question, rated, and the checking
 * examples) are shown again after leaving the step and after a reload. Then every screen in English and Chinese at
 * the default window width: no table header broken inside an English word, and the Chinese pages' English words
 * listed (screenshots in test-results/e2e/kept-*.png).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStudioApi } from "../electron/app/api/createStudioApi";
import { dispatch } from "../electron/app/api/dispatch";
import type { ApiMethod, ParamsIn, StudioApiResults } from "../electron/contract/StudioApi";
import { repoRoot } from "../test/helpers/paths";
import { chromiumMissing, launchChromium } from "./support/launchChromium";
import { guardOffline } from "./support/offlineGuard";
import { buildRendererForTest } from "./support/buildRendererForTest";
import { startBridgeProcess, type BridgeProcess } from "./support/startBridgeProcess";

const missing = chromiumMissing();
if (missing) console.log(`skipping the end-to-end tests: ${missing}`);

const SHOTS = join(repoRoot, "test-results", "e2e");
const STEPS = ["model", "data", "settings", "train", "compare", "evaluate", "export"] as const;
const sample = join(repoRoot, "resources/samples/clinic-faq.jsonl");

/** A home with a project whose tiny run has finished, made through the api as the app would (no browser needed). */
async function homeWithFinishedRun(home: string): Promise<string> {
  const studio = createStudioApi({ home, door: "web", calibrate: false });
  try {
    studio.grants.grant(sample);
    // Through dispatch, as every door calls it (parameters parsed, defaults filled in).
    const call = async <M extends ApiMethod>(method: M, params: ParamsIn<M>): Promise<StudioApiResults[M]> => {
      const r = await dispatch(studio.api, method, params);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value as StudioApiResults[M];
    };
    const api = new Proxy({} as { [M in ApiMethod]: (p: ParamsIn<M>) => Promise<StudioApiResults[M]> }, { get: (_t, m: string) => (p: never) => call(m as ApiMethod, p) });
    const p = await api.createProject({ name: "Clinic answers", domain: "medical", language: "en" });
    const model = await api.useDemoModel({ architecture: "qwen2", preset: "tiny" });
    await api.updateProject({ projectId: p.id, modelId: model.id });
    await api.importDataset({ projectId: p.id, paths: [sample], validationShare: 0.2 });
    const ended = new Promise<void>((resolve) =>
      studio.events.subscribe((e) => {
        if (e.event === "training.progress" && ["finished", "failed", "cancelled", "interrupted"].includes(e.payload.run.status)) resolve();
      }),
    );
    const run = await api.startRun({ projectId: p.id, overrides: { seqLen: 192, batchSize: 1, gradAccum: 1, rank: 4, alpha: 8, maxSteps: 6, evalEvery: 3, checkpointEvery: 0, earlyStopPatience: 0 } });
    await ended;
    const done = await api.getRun({ runId: run.id });
    if (done.status !== "finished") throw new Error(`the fixture's run ended ${done.status}: ${JSON.stringify(done.error)}`);
    return p.id;
  } finally {
    await studio.dispose();
  }
}

/** Table header cells (and their words) that a narrow column broke inside an English word, or short Chinese ones split. */
function brokenHeaderWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    for (const cell of document.querySelectorAll<HTMLElement>("thead th")) {
      if (cell.getClientRects().length === 0) continue; // folded away
      // A short Chinese header (用途, 可用) stays whole too; longer ones may wrap between characters.
      const whole = cell.innerText.trim();
      if (/^[\u4e00-\u9fff]{2,4}$/.test(whole)) {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${whole} [split over ${lines.size} lines]`);
      }
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? "";
        for (const m of text.matchAll(/[A-Za-z][A-Za-z0-9-]+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(`${cell.innerText.replace(/\s+/g, " ")} [${m[0]}]`);
        }
      }
    }
    return broken;
  });
}

/** Latin-letter words on a Chinese page outside names, formats and file names that stay as they are. */
function englishWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const text = document.body.innerText;
    const words = text.match(/\b[A-Za-z][a-z]{3,}(?:\s+[a-z]{2,})*\b/g) ?? [];
    return [...new Set(words)];
  });
}

describe.skipIf(missing !== null)("answers kept across navigation, and every screen in both languages", () => {
  let home: string;
  let rendererDir: string;
  let projectId: string;
  let bridge: BridgeProcess;
  let browser: Browser;
  let page: Page;
  const byTest = (id: string) => page.getByTestId(id);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `kept-${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    rendererDir = buildRendererForTest();
    home = mkdtempSync(join(tmpdir(), "lora-studio-kept-"));
    projectId = await homeWithFinishedRun(home);
    bridge = await startBridgeProcess(home, ["--threads", "1", "--renderer", rendererDir]);
    browser = await launchChromium();
    // The app's default window (electron/main): 1280 x 800.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    await guardOffline(context);
    page = await context.newPage();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await bridge?.stop();
    for (const d of [home, rendererDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("shows Compare's answers again after leaving the step and after a reload", { timeout: 600_000 }, async () => {
    await page.goto(`${bridge.url.replace(/#.*$/, "")}#/project/${projectId}/compare`);
    await expect.poll(() => byTest("compare-prompt").isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await byTest("compare-result").count()).toBe(0); // nothing asked yet
    const question = "What are the clinic's opening hours?";
    await byTest("compare-prompt").fill(question);
    await byTest("compare-send").click();
    await expect.poll(() => byTest("rate-a").isEnabled().catch(() => false), { timeout: 180_000 }).toBe(true);
    const answers = { a: await byTest("compare-answer-a").innerText(), b: await byTest("compare-answer-b").innerText() };
    await byTest("rate-b").click();
    await expect.poll(() => byTest("rate-b").getAttribute("aria-pressed")).toBe("true");
    await byTest("compare-validation-run").click();
    await expect.poll(() => byTest("validation-0-reference").isVisible(), { timeout: 180_000 }).toBe(true);
    await expect.poll(() => byTest("compare-validation-run").isEnabled(), { timeout: 300_000 }).toBe(true);
    const checking = await page.locator('[data-testid^="validation-"][data-testid$="-reference"]').allInnerTexts();
    expect(checking.length).toBeGreaterThanOrEqual(2);

    const kept = async (where: string) => {
      await expect.poll(() => byTest("compare-kept").isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await byTest("compare-result").innerText(), where).toContain(question);
      expect(await byTest("compare-answer-a").innerText(), where).toBe(answers.a);
      expect(await byTest("compare-answer-b").innerText(), where).toBe(answers.b);
      expect(await byTest("rate-b").getAttribute("aria-pressed"), where).toBe("true");
      await expect.poll(() => page.locator('[data-testid^="validation-"][data-testid$="-reference"]').allInnerTexts()).toEqual(checking);
      expect(await byTest("compare-validation-kept").isVisible(), where).toBe(true);
    };
    // Away to another step and back.
    await byTest("step-train").click();
    await expect.poll(() => byTest("screen-train").isVisible()).toBe(true);
    await byTest("step-compare").click();
    await kept("after leaving the step");
    // Away to the project list, reopened.
    await byTest("back-to-projects").click();
    await byTest("project-open").first().click();
    await kept("after reopening the project");
    // A reload.
    await page.reload();
    await kept("after a reload");
    await shot("en-compare");

    // A second question: the newest is shown, the first one listed under "Earlier questions".
    await byTest("compare-prompt").fill("Do you take walk-in patients?");
    await byTest("compare-send").click();
    await expect.poll(() => byTest("rate-a").isEnabled().catch(() => false), { timeout: 180_000 }).toBe(true);
    await page.reload();
    await expect.poll(() => byTest("compare-result").innerText(), { timeout: 30_000 }).toContain("walk-in");
    expect(await byTest("compare-earlier").innerText()).toMatch(/Earlier questions to this run \(1\)/);
    await byTest("compare-earlier").locator("summary").click();
    expect(await byTest("compare-earlier").innerText()).toContain(question);
  });

  it("breaks no English word in a table header, in English and Chinese, at the default window width", { timeout: 900_000 }, async () => {
    const found: Record<string, string[]> = {};
    const english: Record<string, string[]> = {};
    for (const lang of ["en", "zh"] as const) {
      if (lang === "zh") {
        await byTest("language-switch").click();
        if (await byTest("language-zh").isVisible().catch(() => false)) await byTest("language-zh").click();
        await expect.poll(() => page.locator("html").getAttribute("lang")).toMatch(/^zh/);
      }
      for (const [i, step] of STEPS.entries()) {
        await byTest(`step-${step}`).click();
        await expect.poll(() => byTest(`screen-${step}`).isVisible()).toBe(true);
        // Every table the step can show: a file's report before its import, an evaluation's results, an export's files.
        if (step === "data" && lang === "en") {
          await byTest("data-upload-input").setInputFiles(sample);
          await expect.poll(() => byTest("quality-report").isVisible(), { timeout: 120_000 }).toBe(true);
        }
        if (step === "evaluate" && lang === "en") {
          await byTest("evaluate-run").click();
          await expect.poll(() => byTest("evaluate-metrics").isVisible(), { timeout: 400_000 }).toBe(true);
        }
        if (step === "export") {
          await byTest("export-run").click();
          await expect.poll(() => byTest("export-files").isVisible(), { timeout: 300_000 }).toBe(true);
        }
        // The tables come back from the store after each step opens: measured once they are there.
        if (step === "data") await expect.poll(() => byTest("quality-report").isVisible(), { timeout: 60_000 }).toBe(true);
        if (step === "evaluate") await expect.poll(() => byTest("evaluate-metrics").isVisible(), { timeout: 60_000 }).toBe(true);
        await page.waitForLoadState("networkidle").catch(() => {});
        await page.waitForTimeout(500);
        // Folded notes opened, so their tables are measured too.
        for (const d of await page.locator("details:not([open]) > summary").all()) await d.click().catch(() => {});
        found[`${lang}-${step}`] = await brokenHeaderWords(page);
        // Headers kept whole must not push the page wider than the window.
        const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
        if (widths.page > widths.window) found[`${lang}-${step}`]!.push(`page ${widths.page} px wide in a ${widths.window} px window`);
        if (lang === "zh") english[step] = await englishWords(page);
        await shot(`${lang}-${i + 1}-${step}`);
      }
    }
    console.log(`English words on the Chinese pages: ${JSON.stringify(english)}`);
    expect(Object.entries(found).filter(([, words]) => words.length > 0)).toEqual([]);
    // The export's notes for IT and the compatibility report's reasons are Chinese in the Chinese UI.
    if ((await byTest("export-notes").getAttribute("open")) === null) await byTest("export-notes").locator("summary").click();
    expect(await byTest("export-notes").innerText()).toContain("文件名包含内容哈希");
    expect(await byTest("export-notes").innerText()).not.toContain("the file name carries");
    expect(await byTest("export-compatibility").innerText()).toMatch(/已并入适配器的普通 GGUF 模型/);
    for (const phrase of ["adapters load with", "which applies", "the file name carries", "Ollama applies one adapter", "plain", "folded in"]) {
      expect(english.export!.join(" | "), phrase).not.toContain(phrase);
    }
  });

  it("keeps a paused run paused across a restart of lora-studio web, and Resume continues it", { timeout: 600_000 }, async () => {
    await byTest("language-en").click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toMatch(/^en/);
    // A long run (advanced settings), paused once it trains.
    if (!(await page.getByTestId("advanced-toggle").isChecked())) await page.getByTestId("advanced-toggle").check();
    await byTest("step-settings").click();
    await expect.poll(() => byTest("advanced-settings").isVisible(), { timeout: 60_000 }).toBe(true);
    await byTest("setting-maxSteps").fill("5000");
    await byTest("setting-seqLen").fill("192");
    await byTest("settings-accept").click();
    await expect.poll(() => byTest("train-start").isVisible().catch(() => false), { timeout: 30_000 }).toBe(true);
    await byTest("train-start").click();
    await byTest("train-confirm").getByTestId("confirm-ok").click();
    // Paused once it has trained a few steps (a pause before the first step has nothing to keep).
    await expect.poll(() => byTest("train-status-text").innerText().catch(() => ""), { timeout: 180_000 }).toMatch(/Training: step ([2-9]|\d\d+) /);
    await byTest("train-pause").click();
    await expect.poll(() => byTest("train-status-text").innerText(), { timeout: 60_000 }).toMatch(/Paused at step \d+/);
    await expect.poll(() => byTest("train-resume").isVisible()).toBe(true);
    const pausedAt = Number(/Paused at step (\d+)/.exec(await byTest("train-status-text").innerText())![1]);
    // The page says paused at once; the store does once the pause's checkpoint is saved, at the end of the step in
    // progress (a fraction of a second for this model).
    await page.waitForTimeout(3_000);

    // lora-studio web stops (Ctrl-C: it checkpoints and exits 0) and starts again on the same home; the page is opened anew.
    expect(await bridge.stop()).toBe(0);
    bridge = await startBridgeProcess(home, ["--threads", "1", "--renderer", rendererDir]);
    await page.goto(`${bridge.url.replace(/#.*$/, "")}#/project/${projectId}/train`);
    await expect.poll(() => byTest("train-status-text").innerText().catch(() => ""), { timeout: 60_000 }).toMatch(/Paused at step \d+/);
    const after = Number(/Paused at step (\d+)/.exec(await byTest("train-status-text").innerText())![1]);
    expect(after).toBeGreaterThanOrEqual(pausedAt);
    expect(await byTest("train-error").count()).toBe(0); // paused, not interrupted or failed
    await shot("en-4-train-paused-after-restart");
    await byTest("train-resume").click();
    await expect.poll(() => byTest("train-status-text").innerText(), { timeout: 120_000 }).toMatch(/Training: step \d+/);
    const resumedAt = Number(/step (\d+)/.exec(await byTest("train-status-text").innerText())![1]);
    expect(resumedAt).toBeGreaterThanOrEqual(after); // from the checkpoint, not from step 0
    await byTest("train-cancel").click();
    await byTest("train-confirm").getByTestId("confirm-ok").click();
    await expect.poll(() => byTest("train-status-text").innerText(), { timeout: 60_000 }).toMatch(/cancelled/i);
  });
});
