import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf } from "../electron/engine/gguf/GgufFile";
import { makeTinyModel } from "../electron/engine/gguf/tiny/makeTinyModel";
import { repoRoot } from "../test/helpers/paths";
import { checkAccessibility } from "./support/checkAccessibility";
import { chromiumMissing, launchChromium } from "./support/launchChromium";
import { guardOffline } from "./support/offlineGuard";
import { buildRendererForTest } from "./support/buildRendererForTest";
import { startBridgeProcess, type BridgeProcess } from "./support/startBridgeProcess";

const missing = chromiumMissing();
if (missing) console.log(`skipping the end-to-end tests: ${missing}`);

/** Screenshots of every screen in both languages: the run's artifacts. */
const SHOTS = join(repoRoot, "test-results", "e2e");
const STEPS = ["model", "data", "settings", "train", "compare", "evaluate", "export"] as const;
const SAMPLES = ["clinic-faq.jsonl", "hand-hygiene-guideline.en.pdf"].map((f) => join(repoRoot, "resources/samples", f));

describe.skipIf(missing !== null)("the wizard in Chromium, through the web bridge", () => {
  let home: string;
  let modelPath: string;
  let bridge: BridgeProcess;
  let rendererDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let offline: Awaited<ReturnType<typeof guardOffline>>;
  const a11y: { screen: string; violations: unknown[] }[] = [];

  const byTest = (id: string) => page.getByTestId(id);
  const screen = async (name: string) => {
    const started = Date.now();
    // Contrast is measured on what is painted: let MUI's transitions (ripples, fades) finish first.
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"), undefined, { timeout: 5_000 }).catch(() => {});
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const violations = await checkAccessibility(page);
    a11y.push({ screen: name, violations });
    console.log(`${name}: screenshot and axe in ${Date.now() - started} ms`);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    rendererDir = buildRendererForTest();
    home = mkdtempSync(join(tmpdir(), "lora-studio-e2e-"));
    const models = mkdtempSync(join(tmpdir(), "lora-studio-e2e-model-"));
    modelPath = (await makeTinyModel({ arch: "qwen2", preset: "tiny", out: join(models, "tiny-qwen2.gguf") })).path;
    bridge = await startBridgeProcess(home, ["--threads", "1", "--renderer", rendererDir]);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
    offline = await guardOffline(context);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    const code = await bridge?.stop();
    if (code !== 0 && bridge) console.log(bridge.log.slice(-30).join("\n"));
  });

  it("goes from a new project to exported files, in English", { timeout: 900_000 }, async () => {
    await page.goto(bridge.url);
    await expect.poll(() => byTest("app-title").isVisible()).toBe(true);
    await screen("en-0-projects");

    // 1. Project
    await byTest("project-name-input").fill("Clinic answers");
    await byTest("project-create").click();
    await expect.poll(() => byTest("step-model").isVisible(), { timeout: 20_000 }).toBe(true);
    // Next waits for a base model, and says so.
    expect(await byTest("step-next").isDisabled()).toBe(true);
    expect(await byTest("step-next-why").innerText()).toMatch(/base model first/);
    // The keyboard reaches the stepper with Tab (one stop: the current step), the arrow keys move between steps (MUI's
    // roving tab index, the WAI-ARIA pattern for such a group), and the focused step shows a ring inside the stepper card.
    await page.getByRole("heading", { name: "Clinic answers" }).click(); // Tab moves on from here, as after a reload
    const focusedNow = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const card = el?.closest(".MuiPaper-root")?.getBoundingClientRect();
        const box = el?.getBoundingClientRect();
        const inCard = !!card && !!box && box.left >= card.left && box.right <= card.right && box.top >= card.top && box.bottom <= card.bottom;
        return { id: el?.getAttribute("data-testid") ?? el?.tagName ?? null, outline: el ? getComputedStyle(el).outlineStyle : "", inCard };
      });
    const visited: (string | null)[] = [];
    for (let i = 0; i < 10 && visited.at(-1) !== "step-model"; i++) {
      await page.keyboard.press("Tab");
      visited.push((await focusedNow()).id);
    }
    expect(visited.at(-1), visited.join(" ")).toBe("step-model");
    await page.keyboard.press("ArrowRight");
    expect(await focusedNow()).toEqual({ id: "step-data", outline: "solid", inCard: true });

    // 2. Base model: a file that is no model is refused by its own name (not the app's copy's path); then the
    // generated tiny model, chosen as a file
    const notAModel = join(home, "..", `${basename(home)}-notes.gguf`);
    writeFileSync(notAModel, "These are my notes, not a model.\n");
    await byTest("model-upload-input").setInputFiles(notAModel);
    await expect.poll(() => page.getByTestId("error-alert").first().innerText().catch(() => ""), { timeout: 30_000 }).toContain(basename(notAModel));
    expect(await page.getByTestId("error-alert").first().innerText()).not.toContain("uploads");
    await byTest("model-upload-input").setInputFiles(modelPath);
    await expect.poll(() => byTest("model-trainable").isVisible(), { timeout: 60_000 }).toBe(true);
    await screen("en-1-model");
    await byTest("model-save").click();

    // 3. Data: the sample files, their quality and personal-data report, then the import
    await expect.poll(() => byTest("screen-data").isVisible(), { timeout: 20_000 }).toBe(true);
    // A table whose headers cannot be guessed: its columns are chosen in the mapping dialog.
    const table = join(home, "..", `${basename(home)}-anfragen.csv`);
    writeFileSync(table, ["Anfrage,Erwiderung", ...Array.from({ length: 20 }, (_, i) => `"Wann ist Termin ${i}?","Am Montag um ${(i % 12) + 1} Uhr."`)].join("\n") + "\n");
    // A file with two broken lines: the report lists both, in plain words; then the user starts over.
    const broken = join(home, "..", `${basename(home)}-broken.jsonl`);
    const chat = (q: string) => JSON.stringify({ messages: [{ role: "user", content: q }, { role: "assistant", content: "Yes." }] });
    writeFileSync(broken, [chat("Open today?"), '{"messages": [{"role": "user", "content": "Parking?}]}', chat("Wheelchair access?"), "{'messages': []}"].join("\n") + "\n");
    await byTest("data-upload-input").setInputFiles(broken);
    await expect.poll(() => page.locator('[data-testid^="finding-locations-"] li').count(), { timeout: 60_000 }).toBe(2);
    const where = await page.locator('[data-testid^="finding-locations-"]').innerText();
    expect(where).toMatch(/broken\.jsonl:2 — .*never closed/);
    expect(where).toMatch(/broken\.jsonl:4 — /);
    expect(where).not.toContain('\\"');
    await byTest("data-clear").click();
    await byTest("data-upload-input").setInputFiles([...SAMPLES, table]);
    await expect.poll(() => byTest("columns-open-0").isVisible(), { timeout: 120_000 }).toBe(true);
    await byTest("columns-open-0").click();
    await byTest("columns-question").click();
    await page.getByRole("option", { name: "Anfrage" }).click();
    await byTest("columns-answer").click();
    await page.getByRole("option", { name: "Erwiderung" }).click();
    await screen("en-2-data-columns");
    await byTest("columns-save").click();
    await expect.poll(() => byTest("columns-table-0").innerText(), { timeout: 60_000 }).toContain("Anfrage");
    await expect.poll(() => byTest("quality-report").isVisible(), { timeout: 120_000 }).toBe(true);
    await expect.poll(() => byTest("examples-table").isVisible()).toBe(true);
    await expect.poll(() => byTest("pii-panel").isVisible()).toBe(true);
    await screen("en-2-data");
    // A reload before the import keeps the files, the column mapping and the split the user chose.
    await byTest("data-split").focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    const splitText = await page.locator("#split-label + p").innerText();
    await page.reload();
    await expect.poll(() => byTest("columns-table-0").innerText().catch(() => ""), { timeout: 120_000 }).toContain("Anfrage");
    expect(await byTest("data-files").innerText()).toContain("clinic-faq.jsonl");
    expect(await page.locator("#split-label + p").innerText()).toBe(splitText);
    await byTest("data-import").click();
    await expect.poll(() => byTest("data-current").isVisible(), { timeout: 120_000 }).toBe(true);
    await byTest("step-next").click();
    await expect.poll(() => byTest("screen-settings").isVisible()).toBe(true);

    // 4. Settings: the recommendation with its reasons; a few dozen steps (advanced mode) to keep the test short
    await expect.poll(() => byTest("settings-reasons").isVisible(), { timeout: 180_000 }).toBe(true);
    await screen("en-3-settings");
    await page.getByTestId("advanced-toggle").check();
    await expect.poll(() => byTest("advanced-settings").isVisible()).toBe(true);
    await byTest("setting-maxSteps").fill("24");
    await byTest("setting-seqLen").fill("192");
    await byTest("setting-evalEvery").fill("6");
    // What to expect follows the edits, each setting says in plain words what it does, and choosing marks the step.
    await expect.poll(() => byTest("settings-time").innerText(), { timeout: 30_000 }).toMatch(/\b24 steps\b/);
    expect(await page.locator("#setting-help-gradientCheckpointing").innerText()).toMatch(/memory/i);
    await byTest("settings-accept").click();
    await expect.poll(() => byTest("step-settings").locator(".Mui-completed").count()).toBeGreaterThan(0);

    // 5. Train: the chart fills as steps arrive, then the run finishes
    await expect.poll(() => byTest("train-start").isVisible().catch(() => false), { timeout: 30_000 }).toBe(true);
    await byTest("train-start").click();
    await expect.poll(() => byTest("train-chart-loss").isVisible(), { timeout: 180_000 }).toBe(true);
    await expect.poll(async () => (await byTest("train-chart-loss").locator("path").count()) > 0, { timeout: 120_000 }).toBe(true);
    await expect.poll(() => byTest("train-to-compare").isVisible(), { timeout: 300_000 }).toBe(true);
    await screen("en-4-train");
    // After a reload the finished run still shows all three charts (the adapter's norm was stored per step), the step
    // axis counts whole steps and the learning rate reads like 1e-4, not "0.0...".
    await page.reload();
    await expect.poll(async () => (await byTest("train-chart-norm").locator("path").count()) > 0, { timeout: 30_000 }).toBe(true);
    const ticks = async (id: string, axis: string) => page.getByTestId(id).locator(`.MuiChartsAxis-direction${axis} .MuiChartsAxis-tickLabel`).allTextContents();
    const lrTicks = await ticks("train-chart-lr", "Y");
    expect(lrTicks.length).toBeGreaterThan(1);
    for (const label of lrTicks) expect(label).toMatch(/^(0|\d(\.\d)?e-\d+)$/);
    for (const label of await ticks("train-chart-loss", "X")) expect(label).toMatch(/^\d+$/);
    // Starting over asks first; saying no keeps the finished run.
    await byTest("train-start").click();
    await expect.poll(() => byTest("train-confirm").isVisible()).toBe(true);
    expect(await byTest("train-confirm").innerText()).toMatch(/earlier run and its adapter stay saved/);
    await byTest("confirm-cancel").click();
    await expect.poll(() => byTest("train-confirm").isVisible()).toBe(false);
    expect(await byTest("train-status-text").innerText()).toMatch(/finished|complete|done/i);
    // Runs are a history: a second, longer run cancelled (after confirming) leaves the finished one as the project's
    // run; both are listed, the Train and Settings steps stay checked, Compare works on the finished one.
    await byTest("step-settings").click();
    await byTest("setting-maxSteps").fill("5000");
    await byTest("settings-accept").click();
    await byTest("train-start").click();
    await byTest("train-confirm").getByTestId("confirm-ok").click();
    await expect.poll(() => byTest("train-cancel").isVisible(), { timeout: 60_000 }).toBe(true);
    await byTest("train-cancel").click();
    await byTest("train-confirm").getByTestId("confirm-ok").click();
    await expect.poll(() => byTest("train-status-text").innerText(), { timeout: 60_000 }).toMatch(/cancelled/i);
    await expect.poll(() => page.locator('[data-testid^="run-history-"]').count(), { timeout: 30_000 }).toBe(2);
    expect(await byTest("run-history-1").innerText()).toMatch(/best/);
    for (const s of ["settings", "train"]) expect(await byTest(`step-${s}`).locator(".Mui-completed").count(), s).toBeGreaterThan(0);
    await byTest("step-compare").click();

    // 6. Compare: one prompt, both answers streamed, a rating
    await byTest("compare-prompt").fill("What are the clinic's opening hours?");
    await byTest("compare-send").click();
    await expect.poll(() => byTest("rate-a").isEnabled().catch(() => false), { timeout: 120_000 }).toBe(true);
    expect(await byTest("compare-answer-a").isVisible()).toBe(true);
    expect(await byTest("compare-answer-b").isVisible()).toBe(true);
    await byTest("rate-b").click();
    // A long answer without spaces (a sampled model can write one) stays in its column: both answers side by side,
    // the page no wider than the window.
    const layout = await page.evaluate(() => {
      const answers = ["a", "b"].map((side) => document.querySelector<HTMLElement>(`[data-testid="compare-answer-${side}"]`)!);
      answers[0]!.textContent = "x".repeat(5000);
      const [a, b] = answers.map((el) => el.getBoundingClientRect());
      return { pageWidth: document.documentElement.scrollWidth, window: window.innerWidth, aRight: a!.right, bLeft: b!.left, bRight: b!.right, sameRow: Math.abs(a!.top - b!.top) < 2 };
    });
    expect(layout.pageWidth, JSON.stringify(layout)).toBeLessThanOrEqual(layout.window);
    expect(layout.sameRow && layout.aRight <= layout.bLeft && layout.bRight <= layout.window, JSON.stringify(layout)).toBe(true);
    // The checking examples, answered one at a time beside their expected answers.
    await byTest("compare-validation-run").click();
    await expect.poll(() => byTest("validation-0-reference").isVisible(), { timeout: 120_000 }).toBe(true);
    await expect.poll(() => byTest("compare-validation-run").isEnabled(), { timeout: 120_000 }).toBe(true);
    expect(await page.locator('[data-testid^="validation-"][data-testid$="-reference"]').count()).toBeGreaterThanOrEqual(2);
    await screen("en-5-compare");

    // 7. Evaluate: a golden question, the metrics base vs tuned, one blind pair rated, the sign-off, the report
    await byTest("step-evaluate").click();
    await byTest("golden-question-input").fill("How do I book an appointment?");
    await byTest("golden-reference-input").fill("Call the front desk or use the online booking page.");
    await byTest("golden-add").click();
    await expect.poll(() => byTest("golden-question").count()).toBe(1);
    await byTest("evaluate-run").click();
    await expect.poll(() => byTest("evaluate-metrics").isVisible(), { timeout: 300_000 }).toBe(true);
    expect(await byTest("evaluate-metrics").innerText()).toMatch(/perplexity/i);
    expect(await byTest("blind-pair").innerText()).not.toMatch(/tuned|base model|original/i);
    await byTest("blind-left").click();
    await expect.poll(() => byTest("blind-revealed").isVisible()).toBe(true);
    await expect.poll(() => byTest("blind-summary").innerText()).toMatch(/1/);
    await byTest("signoff-name").fill("Dr. Lee");
    await byTest("signoff-comment").fill("Fine for internal use.");
    await byTest("signoff-submit").click();
    // An evaluation with things to check asks once more before the sign-off is recorded.
    const flagged = (await byTest("evaluate-warnings").locator(".MuiAlert-root").count()) > 0 && !(await byTest("evaluate-warnings").innerText()).includes("Nothing to flag");
    if (flagged) {
      await expect.poll(() => byTest("signoff-confirm").isVisible()).toBe(true);
      await byTest("signoff-confirm").getByTestId("confirm-ok").click();
    } else expect(await byTest("signoff-confirm").isVisible()).toBe(false);
    await expect.poll(() => byTest("signoff-done").innerText()).toContain("Dr. Lee");
    await byTest("report-show").click();
    await expect.poll(() => byTest("report-frame").isVisible(), { timeout: 60_000 }).toBe(true);
    const report = page.frameLocator('[data-testid="report-frame"]');
    await expect.poll(() => report.locator("body").innerText(), { timeout: 30_000 }).toContain("Dr. Lee");
    await screen("en-6-evaluate");

    // 8. Export: every format
    await byTest("step-export").click();
    await expect.poll(() => byTest("export-formats").isVisible()).toBe(true);
    const boxes = page.locator('input[data-testid^="export-format-"]');
    expect(await boxes.count()).toBe(9);
    for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
    await byTest("export-run").click();
    await expect.poll(() => byTest("export-files").isVisible(), { timeout: 300_000 }).toBe(true);
    await screen("en-7-export");
    // The PDF's document chunks cannot go into a LLaMA-Factory chat recipe: that one format says why, the rest are written.
    expect(await byTest("export-error-llama-factory").innerText()).toMatch(/document/);
    expect(await byTest("export-error-llama-factory").innerText()).not.toMatch(/--format/);
    // For a person: what to hand IT, a plain list of where each file works, a Q8_0 choice that will be F16 says so.
    expect(await byTest("export-hand-to-it").innerText()).toMatch(/hand-off bundle/);
    expect(await byTest("export-bundle-file").innerText()).toMatch(/\.zip/);
    expect(await byTest("export-compatibility-summary").innerText()).toMatch(/GGUF LoRA adapter · works in llama\.cpp, LM Studio, Ollama/);
    expect(await byTest("export-q8-fallback").innerText()).toMatch(/written in F16/);
    // Proof for IT: llama.cpp with each exported GGUF behaves like the trained model.
    const parity = page.locator('[data-testid^="export-parity-"]');
    expect(await parity.count()).toBeGreaterThanOrEqual(4); // gguf, f16, q8_0 (as F16), ollama's adapter, merged
    for (const text of await parity.allInnerTexts()) expect(text).toBe("Yes");

    // The files exist, and the adapters and the merged model load
    const exported = listFiles(join(home, "exports"));
    const gguf = exported.filter((f) => f.endsWith(".gguf"));
    expect(gguf.length).toBeGreaterThanOrEqual(2);
    for (const f of gguf) {
      const file = await openGguf(f);
      expect(file.tensors.length).toBeGreaterThan(0);
      await file.close();
    }
    expect(exported.some((f) => f.endsWith("adapter_model.safetensors"))).toBe(true);
    expect(exported.some((f) => f.endsWith("Modelfile"))).toBe(true);
    expect(exported.some((f) => f.endsWith(".zip"))).toBe(true);
    const text = await byTest("export-files").innerText();
    expect(text).toContain(basename(gguf[0]!));
    // Reopening the project from the list returns to the step where the user left.
    await byTest("back-to-projects").click();
    await byTest("project-open").first().click();
    await expect.poll(() => byTest("export-formats").isVisible(), { timeout: 20_000 }).toBe(true);
  });

  it("shows every screen in Chinese after switching at runtime", { timeout: 300_000 }, async () => {
    await byTest("language-switch").click();
    if (await byTest("language-zh").isVisible().catch(() => false)) await byTest("language-zh").click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toMatch(/^zh/);
    for (const [i, step] of STEPS.entries()) {
      await byTest(`step-${step}`).click();
      await expect.poll(() => byTest(`screen-${step}`).isVisible()).toBe(true);
      await screen(`zh-${i + 1}-${step}`);
    }
    await byTest("back-to-projects").click();
    await screen("zh-0-projects");
    // Chinese text is on the page (the stepper's labels), not English fallbacks.
    expect(await page.locator("body").innerText()).toMatch(/[\u4e00-\u9fff]/);
  });

  it("passes axe-core's WCAG A/AA rules on every screen, in both languages", () => {
    expect(a11y.length).toBeGreaterThanOrEqual(17);
    expect(a11y.filter((s) => s.violations.length > 0)).toEqual([]);
  });

  it("kept every request of the whole flow on 127.0.0.1", () => {
    expect(offline.requests().length).toBeGreaterThanOrEqual(2);
    expect(offline.sockets().length).toBeGreaterThanOrEqual(1);
    expect(offline.outside()).toEqual([]);
  });
});

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}
