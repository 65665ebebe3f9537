import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); `npx playwright install` cannot download here. */
export const CHROMIUM = process.env.LORA_STUDIO_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that keep Chromium itself from reaching the network (updates, sync, safe browsing). */
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter"];

/** Why e2e tests are skipped here, or null when Chromium is present. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set LORA_STUDIO_CHROMIUM`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/**
 * Chromium with WebGPU on SwiftShader (its software Vulkan driver), for the engine's pages: the trainer page and a
 * training step run on Chromium's own WebGPU, as in the app's hidden trainer window.
 */
export function launchChromiumWithSwiftShaderWebgpu(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--no-first-run", "--disable-background-networking"],
  });
}
