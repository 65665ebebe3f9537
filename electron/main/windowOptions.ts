import type { WindowBounds } from "./windowState";

/** The security-relevant preferences of every app window; main.ts passes them to BrowserWindow unchanged. */
export interface SecureWebPreferences {
  preload: string;
  /** The preload runs in its own JavaScript world: the page cannot reach into it or into Electron. */
  contextIsolation: true;
  /** The renderer process is sandboxed by the OS like a browser tab; the preload gets only a small, safe API. */
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  /**
   * Off: Chromium's spell checker downloads Hunspell dictionaries from Google's servers on Windows and Linux, a
   * request off the machine the user never asked for (the app promises that nothing leaves 127.0.0.1).
   */
  spellcheck: false;
}

/** The same for every window the app opens (the app's and the hidden trainer's). */
export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export interface AppWindowOptions extends Partial<WindowBounds> {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  /** Shown on ready-to-show, so the user never sees an empty white frame. */
  show: false;
  backgroundColor: string;
  webPreferences: SecureWebPreferences;
}

export function windowOptions(preload: string, bounds: WindowBounds | null): AppWindowOptions {
  return {
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 820,
    ...(bounds && bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 900,
    minHeight: 600,
    title: "LoRA Studio",
    show: false,
    backgroundColor: "#121212",
    webPreferences: secureWebPreferences(preload),
  };
}
