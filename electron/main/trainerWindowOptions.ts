import { secureWebPreferences, type SecureWebPreferences } from "./windowOptions";

/** The hidden trainer window's options; webgpuTrainerWindow.ts passes them to BrowserWindow unchanged. */
export interface TrainerWindowOptions {
  /** Never shown: the window only trains. */
  show: false;
  width: number;
  height: number;
  title: string;
  skipTaskbar: true;
  focusable: false;
  paintWhenInitiallyHidden: false;
  /** The app window's secure preferences; the preload forwards the MessagePort to the page and nothing else (electron/worker/webgpuTrainer/trainerPreload.ts). */
  webPreferences: SecureWebPreferences & {
    /** A hidden window's timers and GPU work would otherwise be slowed down as a background tab's are. */
    backgroundThrottling: false;
    /** Its own in-memory session: no cookies, cache or storage shared with the app's window, nothing kept on disk. */
    partition: string;
  };
}

export const TRAINER_PARTITION = "lora-studio-trainer";

export function trainerWindowOptions(preload: string): TrainerWindowOptions {
  return {
    show: false,
    width: 320,
    height: 240,
    title: "LoRA Studio training",
    skipTaskbar: true,
    focusable: false,
    paintWhenInitiallyHidden: false,
    webPreferences: { ...secureWebPreferences(preload), backgroundThrottling: false, partition: TRAINER_PARTITION },
  };
}

/**
 * Chromium switches the trainer window's WebGPU needs on Linux (electron/electron#41763: WebGPU is behind
 * --enable-unsafe-webgpu there, and runs on Vulkan). They must be set before the app is ready, so they are set at
 * start where the trainer may be used on this launch: Linux, the page built, and no backend other than webgpu forced
 * (LORA_STUDIO_BACKEND). Other platforms (Metal, Direct3D 12) need none.
 */
export function trainerCommandLineSwitches(o: { platform: NodeJS.Platform; pageBuilt: boolean; forcedBackend: string | undefined }): [string, string?][] {
  if (o.platform !== "linux" || !o.pageBuilt) return [];
  if (o.forcedBackend && o.forcedBackend !== "webgpu") return [];
  return [["enable-unsafe-webgpu"], ["enable-features", "Vulkan"]];
}
