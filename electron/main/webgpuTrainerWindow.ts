/**
 * The Electron app's WebGPU trainer: a hidden BrowserWindow that loads only the bundled trainer page and speaks the
 * training worker's protocol over a MessagePort (electron/worker/README.md says why not a utilityProcess). Thin
 * wiring only: the protocol, file requests and path checks are electron/worker/webgpuTrainer/trainerHost.ts, the
 * options and the page's URL rules trainerWindowOptions.ts and trainerPage.ts, all tested in plain Node.
 */
import { readFile } from "node:fs/promises";
import { BrowserWindow, MessageChannelMain, session } from "electron";
import type { TrainingProcess } from "../app/training/forkTrainingWorker";
import { relayTrainingProcess } from "../app/training/relayTrainingProcess";
import type { TrainJob } from "../engine/training/TrainJob";
import type { TrainingEvent } from "../engine/training/trainingEvents";
import { createTrainerHost } from "../worker/webgpuTrainer/trainerHost";
import { renderProcessGoneCause, responsivenessWatch, UNRESPONSIVE_LIMIT_S, unresponsiveCause } from "../worker/webgpuTrainer/trainerDeathCause";
import { TRAINER_PORT_MESSAGE, type PageToHost } from "../worker/webgpuTrainer/trainerPortProtocol";
import { APP_SCHEME } from "./appUrl";
import { installNavigationGuard } from "./navigationGuard";
import { allowTrainerNavigation, resolveTrainerRequest, TRAINER_INDEX_URL, trainerPreloadPath } from "./trainerPage";
import { TRAINER_PARTITION, trainerWindowOptions } from "./trainerWindowOptions";

const trainerWindows = new WeakSet<BrowserWindow>();

/** Whether a window is a hidden trainer (main.ts leaves them out of "all windows closed", activate and events). */
export function isTrainerWindow(w: BrowserWindow): boolean {
  return trainerWindows.has(w);
}

let servedSession = false;

/** Serves app://trainer/ in the trainer's own session (call once the app is ready). */
function serveTrainerPage(bundleDir: string): void {
  if (servedSession) return;
  servedSession = true;
  const s = session.fromPartition(TRAINER_PARTITION);
  s.protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveTrainerRequest(bundleDir, request.url);
    if (r.status === 200) return new Response(await readFile(r.path), { status: 200, headers: r.headers });
    return new Response(r.text, { status: r.status, headers: r.headers });
  });
}

/**
 * Starts a training job in a new hidden trainer window. `allowSoftwareAdapter` only where webgpu was forced
 * (LORA_STUDIO_BACKEND=webgpu); otherwise a software adapter makes the page fail with WebgpuUnavailable and
 * startWorkerByBackend trains on the utilityProcess instead.
 */
export function webgpuTrainerWorker(bundleDir: string, options: { allowSoftwareAdapter?: boolean } = {}): (job: TrainJob, onEvent: (e: TrainingEvent) => void) => TrainingProcess {
  return (job, onEvent) => {
    // Note: not counted in the CPU thread budget (threadBudget's trainingStarted): its products run on the GPU.
    serveTrainerPage(bundleDir);
    const win = new BrowserWindow(trainerWindowOptions(trainerPreloadPath(bundleDir)));
    trainerWindows.add(win);
    const contents = win.webContents;
    installNavigationGuard(
      {
        onNavigate: (listener) => {
          contents.on("will-navigate", (e) => listener(e.url, () => e.preventDefault()));
          contents.on("will-redirect", (e) => listener(e.url, () => e.preventDefault()));
          contents.on("will-frame-navigate", (e) => listener(e.url, () => e.preventDefault()));
        },
        onAttachWebview: (listener) => contents.on("will-attach-webview", (e) => listener(() => e.preventDefault())),
        setWindowOpenHandler: (handler) => contents.setWindowOpenHandler(handler),
        setPermissionRequestHandler: (handler) => contents.session.setPermissionRequestHandler((_wc, permission, callback) => handler(permission, callback)),
        setPermissionCheckHandler: (handler) => contents.session.setPermissionCheckHandler((_wc, permission) => handler(permission)),
      },
      allowTrainerNavigation,
    );

    const { port1, port2 } = new MessageChannelMain();
    let ended = false;
    const end = (exitCode: number | null, cause?: string) => {
      if (ended) return;
      ended = true;
      watch.stop();
      port1.close();
      host.ended(exitCode, cause);
      if (!win.isDestroyed()) win.destroy();
    };
    const host = createTrainerHost(
      {
        post: (message) => port1.postMessage(message),
        onMessage: (handler) => {
          port1.on("message", (e) => handler(e.data as PageToHost));
          port1.start();
        },
      },
      {
        pid: () => (win.isDestroyed() ? undefined : contents.getOSProcessId()),
        allowSoftwareAdapter: options.allowSoftwareAdapter ?? false,
        // The page has reported its end: closing the window is what gives its GPU memory back.
        onSettled: () => setTimeout(() => end(0), 50),
      },
    );
    const watch = responsivenessWatch(UNRESPONSIVE_LIMIT_S * 1000, () => end(null, unresponsiveCause(UNRESPONSIVE_LIMIT_S)));
    win.on("unresponsive", () => watch.unresponsive());
    win.on("responsive", () => watch.responsive());
    contents.on("render-process-gone", (_e, details) => end(details.exitCode, renderProcessGoneCause(details)));
    contents.on("did-fail-load", (_e, code, description, url) => {
      if (url === TRAINER_INDEX_URL) end(null, `the training window's page did not load (${description}, ${code})`);
    });
    win.on("closed", () => end(0));
    contents.once("did-finish-load", () => contents.postMessage(TRAINER_PORT_MESSAGE, null, [port2]));
    void win.loadURL(TRAINER_INDEX_URL);
    return relayTrainingProcess(host.port, job, onEvent);
  };
}
