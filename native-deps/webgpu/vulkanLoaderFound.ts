import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const LIB = "libvulkan.so.1";
const DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64", "/lib"];

/**
 * Whether Dawn can load a Vulkan loader on Linux (elsewhere: true, Dawn uses Metal or Direct3D). Note: without
 * one, Dawn prints a multi-line warning with a source path to stderr from native code before it answers "no
 * adapter"; asking first keeps the CLI's errors to one line. Already loaded into this process (a test that loaded
 * Chromium's by path), on LD_LIBRARY_PATH, in ld.so's cache or a usual folder, counts as found.
 */
export function vulkanLoaderFound(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== "linux") return true;
  const read = (path: string) => {
    try {
      return readFileSync(path, "latin1");
    } catch {
      return "";
    }
  };
  if (read("/proc/self/maps").includes(LIB)) return true;
  const dirs = [...(env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean), ...DIRS];
  if (dirs.some((d) => existsSync(join(d, LIB)))) return true;
  return read("/etc/ld.so.cache").includes(LIB);
}
