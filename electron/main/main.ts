/**
 * The Electron main process: thin wiring of the app's services to a window. Everything that decides something
 * about security lives in the pure modules beside this file (windowOptions, contentSecurityPolicy,
 * navigationGuard, ipcRouter, resolveAppRequest), which the tests check in plain Node.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { app, BrowserWindow, ipcMain, screen } from "electron";
import { createStudioApi, type Studio } from "../app/api/createStudioApi";
import { APP_FOLDER_NAME, resolveHome } from "../app/store/resolveHome";
import { trainWorkerPath } from "../worker/trainWorkerPath";
import { utilityTrainingWorker } from "../worker/utilityTrainingWorker";
import { useCalibrationSpawner } from "../app/hardware/calibrationSpawner";
import { startWorkerByBackend } from "../app/training/startWorkerByBackend";
import { installAppMenu } from "./appMenu";
import { handleAppProtocol, registerAppScheme } from "./appProtocol";
import { APP_INDEX_URL } from "./appUrl";
import { electronDialogs } from "./electronDialogs";
import { createIpcRouter, type IpcRouter } from "./ipcRouter";
import { installNavigationGuard } from "./navigationGuard";
import { trainerPageBuilt } from "./trainerPage";
import { trainerCommandLineSwitches } from "./trainerWindowOptions";
import { utilityCalibrationSpawner } from "./utilityCalibrationSpawner";
import { isTrainerWindow, webgpuTrainerWorker } from "./webgpuTrainerWindow";
import { windowOptions } from "./windowOptions";
import { loadWindowState, saveWindowState } from "./windowState";

// One app per user: a second launch focuses the first window (two processes on one SQLite store would fight).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Note: the home is the folder the CLI uses too (resolveHome honours LORA_STUDIO_HOME), so both share one store.
  app.setName(APP_FOLDER_NAME);
  app.setPath("userData", resolveHome());
  registerAppScheme();
  start();
}

function start(): void {
  // The app folder: the repository in development, app.asar when packaged. Note: found from this source file's
  // place (buildElectron.mjs keeps each file's import.meta.url), not app.getAppPath(), which in development is
  // dist/electron (the folder `npm start` launches) and in a package is the asar root.
  const appRoot = fileURLToPath(new URL("../..", import.meta.url));
  const bundleDir = join(appRoot, "dist", "electron");
  const rendererDir = join(appRoot, "dist", "renderer");
  // WebGPU training runs in a hidden trainer window (electron/worker/README.md); on Linux its WebGPU needs switches
  // that Chromium reads only before ready.
  const trainerBuilt = trainerPageBuilt(bundleDir);
  for (const [name, value] of trainerCommandLineSwitches({ platform: process.platform, pageBuilt: trainerBuilt, forcedBackend: process.env.LORA_STUDIO_BACKEND })) app.commandLine.appendSwitch(name, value);
  const appWindows = () => BrowserWindow.getAllWindows().filter((w) => !isTrainerWindow(w));
  // The hardware calibration's child runs as a utilityProcess from the bundle, like training (see measureInChild).
  useCalibrationSpawner(utilityCalibrationSpawner(bundleDir));
  const stateFile = join(app.getPath("userData"), "window-state.json");
  let window: BrowserWindow | null = null;
  let studio: Studio | null = null;
  let router: IpcRouter | null = null;

  const createWindow = () => {
    const state = loadWindowState(stateFile, screen.getAllDisplays().map((d) => d.workArea));
    const w = new BrowserWindow(windowOptions(join(bundleDir, "preload.cjs"), state?.bounds ?? null));
    installNavigationGuard({
      onNavigate: (listener) => {
        w.webContents.on("will-navigate", (e) => listener(e.url, () => e.preventDefault()));
        w.webContents.on("will-redirect", (e) => listener(e.url, () => e.preventDefault()));
        w.webContents.on("will-frame-navigate", (e) => listener(e.url, () => e.preventDefault()));
      },
      onAttachWebview: (listener) => w.webContents.on("will-attach-webview", (e) => listener(() => e.preventDefault())),
      setWindowOpenHandler: (handler) => w.webContents.setWindowOpenHandler(handler),
      setPermissionRequestHandler: (handler) => w.webContents.session.setPermissionRequestHandler((_wc, permission, callback) => handler(permission, callback)),
      setPermissionCheckHandler: (handler) => w.webContents.session.setPermissionCheckHandler((_wc, permission) => handler(permission)),
    });
    if (state?.maximized) w.maximize();
    w.once("ready-to-show", () => w.show());
    w.on("close", () => saveWindowState(stateFile, { bounds: w.getNormalBounds(), maximized: w.isMaximized() }));
    w.on("closed", () => {
      if (window === w) window = null;
      // A hidden trainer window must not keep the app open: closing the last app window quits (which checkpoints).
      if (process.platform !== "darwin" && appWindows().length === 0) app.quit();
    });
    void w.loadURL(APP_INDEX_URL);
    window = w;
  };

  app.on("second-instance", () => {
    if (!window) return createWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  void app.whenReady().then(() => {
    handleAppProtocol(rendererDir);
    // Opening the store is quick and synchronous; anything slow (hardware probe, models) happens on first use.
    studio = createStudioApi({
      home: app.getPath("userData"),
      door: "electron",
      dialogs: electronDialogs(() => window),
      startWorker: startWorkerByBackend({
        webgpuWindow: trainerBuilt ? webgpuTrainerWorker(bundleDir, { allowSoftwareAdapter: process.env.LORA_STUDIO_BACKEND === "webgpu" }) : null,
        process: utilityTrainingWorker(trainWorkerPath(bundleDir)),
      }),
    });
    router = createIpcRouter({
      ipcMain,
      studio,
      broadcast: (channel, event) => {
        for (const w of appWindows()) if (!w.isDestroyed()) w.webContents.send(channel, event);
      },
    });
    installAppMenu(studio.home, () => window);
    createWindow();
    app.on("activate", () => {
      if (appWindows().length === 0) createWindow();
    });
  });

  app.on("window-all-closed", () => {
    if (process.platform !== "darwin") app.quit();
  });

  // Quitting while training: dispose first (the worker writes a checkpoint and stops), then quit for real.
  let disposing = false;
  app.on("before-quit", (event) => {
    if (!studio) return;
    event.preventDefault();
    if (disposing) return;
    disposing = true;
    const s = studio;
    router?.dispose();
    void s
      .dispose()
      .catch((error: unknown) => console.error(`LoRA Studio: closing the data store failed: ${(error as Error).message}`))
      .finally(() => {
        studio = null;
        app.quit();
      });
  });
}
