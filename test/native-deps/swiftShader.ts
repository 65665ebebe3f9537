import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Debian's Chromium ships SwiftShader's Vulkan driver and a Vulkan loader beside it (../shared/docs/WEBGPU.md). */
export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** The environment that gives a child process SwiftShader as its only WebGPU adapter. */
export function swiftShaderEnv(): Record<string, string> {
  const dir = dirname(SWIFTSHADER_ICD);
  return {
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), "lora-studio-xdg-")),
    LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
  };
}

/**
 * Makes SwiftShader this process's WebGPU adapter (before dawn.node first asks for one); returns why not where
 * the driver is absent, for a test to skip with. The Vulkan loader is loaded from Chromium's folder when the
 * system has none: LD_LIBRARY_PATH is read only at process start, so it is dlopen-ed here by path (RTLD_NODELETE,
 * 0x1000 in glibc: Node unloads a library that is not an addon), and Dawn's dlopen("libvulkan.so.1") finds it.
 */
export function useSwiftShader(): string | undefined {
  if (process.platform !== "linux") return "SwiftShader's Vulkan driver is set up for Linux only";
  if (!existsSync(SWIFTSHADER_ICD)) return `${SWIFTSHADER_ICD} is absent (Debian's chromium package ships it)`;
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), "lora-studio-xdg-"));
  const loader = join(dirname(SWIFTSHADER_ICD), "libvulkan.so.1");
  if (existsSync(loader)) {
    try {
      process.dlopen({ exports: {} }, loader, 2 /* RTLD_NOW */ | 256 /* RTLD_GLOBAL */ | 0x1000 /* RTLD_NODELETE */);
    } catch {
      // "Module did not self-register": expected, the library is not a Node addon; it stays loaded.
    }
  }
  return undefined;
}
