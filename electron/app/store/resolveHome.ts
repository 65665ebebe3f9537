import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const APP_FOLDER_NAME = "LoRA Studio";
export const STORE_FILE_NAME = "studio.db";

export interface HomeOptions {
  /** --home DIR (CLI and tests) or Electron's userData folder (the app). */
  home?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * The folder the app keeps its data in: `home` when given, else LORA_STUDIO_HOME, else the folder Electron's
 * userData would be for "LoRA Studio" on this OS, so that the CLI and the app share one store.
 */
export function resolveHome(options: HomeOptions = {}): string {
  const env = options.env ?? process.env;
  if (options.home) return resolve(options.home);
  if (env.LORA_STUDIO_HOME) return resolve(env.LORA_STUDIO_HOME);
  const platform = options.platform ?? process.platform;
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  switch (platform) {
    case "darwin":
      return join(home, "Library", "Application Support", APP_FOLDER_NAME);
    case "win32":
      return join(env.APPDATA ?? join(home, "AppData", "Roaming"), APP_FOLDER_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, ".config"), APP_FOLDER_NAME);
  }
}

/** The store's database file in a home folder. */
export function storePath(home: string): string {
  return join(home, STORE_FILE_NAME);
}
