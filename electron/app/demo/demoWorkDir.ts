import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where the demo keeps its model and runs when no folder is given: the user's cache folder
 * (~/.cache/lora-studio/demo, ~/Library/Caches/lora-studio/demo, %LOCALAPPDATA%\lora-studio\demo), so the demo model
 * is made once and reused by later runs.
 */
export function demoWorkDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "lora-studio", "demo");
  if (platform === "darwin") return join(homedir(), "Library", "Caches", "lora-studio", "demo");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "lora-studio", "demo");
}
