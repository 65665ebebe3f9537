/**
 * The hidden trainer window's Electron wiring (electron/main/webgpuTrainerWindow.ts), against the stand-in
 * Electron of test/main/fakeElectron: the window is created hidden with the secure options, denies navigation,
 * pop-ups, webviews and permissions, serves only its page on app://trainer/ with the CSP, hands the page a
 * MessagePort once loaded, relays the protocol, and turns the renderer's death or hang into the worker's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { TrainJob } from "../../electron/engine/training/TrainJob";
import type { TrainingEvent } from "../../electron/engine/training/trainingEvents";
import { TRAINER_PORT_MESSAGE } from "../../electron/worker/webgpuTrainer/trainerPortProtocol";

// @ts-expect-error: the stand-in is plain JavaScript without type declarations
vi.mock("electron", async () => await import("./fakeElectron/electron.mjs"));
// @ts-expect-error: the same stand-in, for its record of what was asked of Electron
const fake = (await import("./fakeElectron/electron.mjs")) as unknown as {
  record: { windows: FakeWindow[]; partitionProtocols: Map<string, Map<string, (r: Request) => Promise<Response>>> };
};
const { webgpuTrainerWorker, isTrainerWindow } = await import("../../electron/main/webgpuTrainerWindow");
const { TRAINER_PARTITION, trainerWindowOptions } = await import("../../electron/main/trainerWindowOptions");

interface FakePort {
  postMessage(m: unknown): void;
  on(e: "message", h: (e: { data: unknown }) => void): void;
  start(): void;
}
interface FakeWindow {
  options: ReturnType<typeof trainerWindowOptions>;
  loaded: string | null;
  destroyed: boolean;
  emit(event: string, ...args: unknown[]): void;
  webContents: {
    emit(event: string, ...args: unknown[]): void;
    openHandler: (d: { url: string }) => unknown;
    posted: { channel: string; message: unknown; ports: FakePort[] }[];
    session: { permissionRequest: (wc: unknown, p: string, cb: (g: boolean) => void) => void; permissionCheck: (wc: unknown, p: string) => boolean };
  };
}

const bundleDir = mkdtempSync(join(tmpdir(), "trainer-window-"));
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));
mkdirSync(join(bundleDir, "webgpuTrainer"));
writeFileSync(join(bundleDir, "webgpuTrainer", "index.html"), "<!doctype html><title>t</title>");
writeFileSync(join(bundleDir, "webgpuTrainer", "trainer.js"), "export {};");
writeFileSync(join(bundleDir, "webgpuTrainer", "trainer.js.map"), "{}");
writeFileSync(join(bundleDir, "package.json"), "{}");

const job = { modelPath: "/m.gguf", trainPath: "/d.jsonl", validationPath: null, outDir: join(bundleDir, "run") } as unknown as TrainJob;

/** Starts a job in a new trainer window; returns the window and the page's end of its port once loaded. */
function startInWindow() {
  const events: TrainingEvent[] = [];
  const proc = webgpuTrainerWorker(bundleDir)(job, (e) => events.push(e));
  const win = fake.record.windows.at(-1)!;
  win.webContents.emit("did-finish-load");
  const page = win.webContents.posted[0]!.ports[0]!;
  const fromHost: { type: string }[] = [];
  page.on("message", (e) => fromHost.push(e.data as { type: string }));
  page.start();
  return { proc, win, page, fromHost, events };
}

describe("the hidden trainer window", () => {
  it("is created hidden, sandboxed, isolated, unthrottled, in its own session, on the trainer page only", () => {
    const { win } = startInWindow();
    expect(win.options).toEqual(trainerWindowOptions(join(bundleDir, "trainerPreload.cjs")));
    expect(win.options).toMatchObject({ show: false, skipTaskbar: true, focusable: false });
    expect(win.options.webPreferences).toMatchObject({
      preload: join(bundleDir, "trainerPreload.cjs"),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      backgroundThrottling: false,
      partition: TRAINER_PARTITION,
    });
    expect(win.options.webPreferences.partition.startsWith("persist:")).toBe(false);
    expect(win.loaded).toBe("app://trainer/index.html");
    expect(isTrainerWindow(win as never)).toBe(true);
  });

  it("denies navigation away from its page, pop-ups, webviews and every permission", async () => {
    const { win } = startInWindow();
    const prevented: string[] = [];
    for (const event of ["will-navigate", "will-redirect", "will-frame-navigate"]) {
      for (const url of ["https://evil.example/", "app://studio/index.html", "file:///etc/passwd", "app://trainer/index.html"]) {
        win.webContents.emit(event, { url, preventDefault: () => prevented.push(`${event} ${url}`) });
      }
    }
    expect(prevented).toHaveLength(9);
    expect(prevented.some((p) => p.endsWith("app://trainer/index.html"))).toBe(false);
    let webview = false;
    win.webContents.emit("will-attach-webview", { preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
    expect(win.webContents.openHandler({ url: "https://example.com" })).toEqual({ action: "deny" });
    for (const permission of ["media", "geolocation", "notifications", "clipboard-read"]) {
      expect(await new Promise((r) => win.webContents.session.permissionRequest(win.webContents, permission, r))).toBe(false);
      expect(win.webContents.session.permissionCheck(win.webContents, permission)).toBe(false);
    }
  });

  it("serves only its page and script on app://trainer/, with the CSP, in its own session", async () => {
    startInWindow();
    const handler = fake.record.partitionProtocols.get(TRAINER_PARTITION)!.get("app")!;
    const page = await handler(new Request("app://trainer/index.html"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'self'; script-src 'self'/);
    expect(await page.text()).toContain("<title>t</title>");
    expect((await handler(new Request("app://trainer/trainer.js"))).headers.get("content-type")).toMatch(/javascript/);
    for (const url of ["app://trainer/trainer.js.map", "app://trainer/%2e%2e/package.json", "app://trainer/../package.json", "app://studio/index.html", "app://trainer/webgpuTrainer/index.html"]) {
      expect((await handler(new Request(url))).status, url).toBe(404);
    }
  });

  it("hands the page its port once loaded, relays the protocol, and closes after the page's report", async () => {
    const { proc, win, page, fromHost, events } = startInWindow();
    expect(fake.record.windows.at(-1)!.webContents.posted).toHaveLength(1);
    expect(win.webContents.posted[0]!.channel).toBe(TRAINER_PORT_MESSAGE);
    page.postMessage({ type: "ready" });
    await vi.waitFor(() => expect(fromHost.map((m) => m.type)).toEqual(["hello", "start"]));
    expect(proc.pid).toBe(31337);
    proc.pause();
    await vi.waitFor(() => expect(fromHost.at(-1)).toEqual({ type: "pause" }));
    page.postMessage({ type: "event", event: { type: "paused", step: 1 } });
    await vi.waitFor(() => expect(events).toEqual([{ type: "paused", step: 1 }]));
    const outcome = { reason: "completed", step: 2 };
    page.postMessage({ type: "done", outcome });
    expect(await proc.done).toEqual({ status: "finished", outcome });
    expect(win.destroyed).toBe(true);
  });

  it("a renderer that dies is the worker's death with its cause, and the window goes", async () => {
    const { proc, win, page } = startInWindow();
    page.postMessage({ type: "ready" });
    win.webContents.emit("render-process-gone", {}, { reason: "oom", exitCode: 5 });
    expect(await proc.done).toEqual({ status: "died", exitCode: 5, signal: null, cause: "the training window ran out of memory (exit code 5)" });
    expect(win.destroyed).toBe(true);
  });

  it("a window that stays unresponsive is closed and reported dead; one that recovers is not", async () => {
    vi.useFakeTimers();
    try {
      const { proc, win } = startInWindow();
      win.emit("unresponsive");
      vi.advanceTimersByTime(60_000);
      win.emit("responsive");
      vi.advanceTimersByTime(200_000);
      expect(win.destroyed).toBe(false);
      win.emit("unresponsive");
      vi.advanceTimersByTime(120_000);
      expect(win.destroyed).toBe(true);
      expect(await proc.done).toMatchObject({ status: "died", cause: "the training window stopped responding for 120 s and was closed" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("a page that cannot load is reported, not waited for", async () => {
    const proc = webgpuTrainerWorker(bundleDir)(job, () => {});
    const win = fake.record.windows.at(-1)!;
    win.webContents.emit("did-fail-load", {}, -6, "ERR_FILE_NOT_FOUND", "app://trainer/index.html");
    expect(await proc.done).toMatchObject({ status: "died", cause: "the training window's page did not load (ERR_FILE_NOT_FOUND, -6)" });
  });
});
