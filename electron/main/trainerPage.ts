import { existsSync } from "node:fs";
import { join } from "node:path";
import { APP_SCHEME } from "./appUrl";

/**
 * The hidden trainer window's page, served on its own host of the app's scheme: app://trainer/ is an origin apart
 * from app://studio/ (the UI), so neither page can reach the other's storage, and the main window's navigation
 * guard (app://studio only) keeps the UI from ever loading it.
 */
export const TRAINER_HOST = "trainer";
export const TRAINER_ORIGIN = `${APP_SCHEME}://${TRAINER_HOST}`;
export const TRAINER_INDEX_URL = `${TRAINER_ORIGIN}/index.html`;

/** The page's CSP, sent as a header (its HTML carries it too, without frame-ancestors, which a <meta> cannot). */
export const TRAINER_CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Where scripts/buildElectron.mjs writes the page (index.html, trainer.js) and the window's preload. */
export function trainerPageDir(bundleDir: string): string {
  return join(bundleDir, "webgpuTrainer");
}
export function trainerPreloadPath(bundleDir: string): string {
  return join(bundleDir, "trainerPreload.cjs");
}

/** Whether this build has the trainer page (it is not built where the optional WebGPU backend is missing). */
export function trainerPageBuilt(bundleDir: string): boolean {
  return existsSync(join(trainerPageDir(bundleDir), "index.html")) && existsSync(join(trainerPageDir(bundleDir), "trainer.js")) && existsSync(trainerPreloadPath(bundleDir));
}

/** The only two files app://trainer/ serves; anything else (the source map included) is refused. */
const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/trainer.js": { file: "trainer.js", type: "text/javascript; charset=utf-8" },
};

export type TrainerResponse = { status: 200; path: string; headers: Record<string, string> } | { status: 404; text: string; headers: Record<string, string> };

/** What app://trainer/... answers: one of the page's two files with the CSP, or 404. */
export function resolveTrainerRequest(bundleDir: string, url: string): TrainerResponse {
  const headers = (type: string) => ({ "Content-Type": type, "Content-Security-Policy": TRAINER_CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" });
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  const entry = parsed && parsed.protocol === `${APP_SCHEME}:` && parsed.host === TRAINER_HOST && !parsed.username && !parsed.password ? FILES[parsed.pathname] : undefined;
  if (!entry) return { status: 404, text: "not found", headers: headers("text/plain; charset=utf-8") };
  return { status: 200, path: join(trainerPageDir(bundleDir), entry.file), headers: headers(entry.type) };
}

/** The trainer window may show its own page only: every navigation elsewhere (and any reload to elsewhere) is refused. */
export function allowTrainerNavigation(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === TRAINER_HOST && (u.pathname === "/" || u.pathname === "/index.html");
  } catch {
    return false;
  }
}
