import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { contentType } from "../bridge/contentTypes";
import { resolveStaticPath } from "../bridge/resolveStaticPath";
import { isAppUrl } from "./appUrl";
import { appResponseHeaders } from "./contentSecurityPolicy";

export type AppResponse = { status: 200; path: string; headers: Record<string, string> } | { status: 403 | 404; text: string; headers: Record<string, string> };

/**
 * What the app:// protocol handler answers for a URL: a file of the built renderer (the same path rules as the
 * web bridge: no `..`, no dot files, nothing outside the folder) with the CSP, or a refusal.
 */
export function resolveAppRequest(rendererDir: string, url: string): AppResponse {
  const text = (status: 403 | 404, message: string): AppResponse => ({ status, text: message, headers: appResponseHeaders("text/plain; charset=utf-8", false) });
  if (!isAppUrl(url)) return text(403, "not an app page");
  const rawPath = url.slice(url.indexOf("//") + 2).replace(/^[^/]*/, "").replace(/[?#].*$/, "") || "/";
  const target = resolveStaticPath(rendererDir, rawPath);
  if (target.kind === "forbidden") return text(403, target.reason);
  if (!existsSync(target.path) || !statSync(target.path).isFile()) return text(404, "not found");
  const isIndex = target.path === join(rendererDir, "index.html");
  return { status: 200, path: target.path, headers: appResponseHeaders(contentType(target.path), isIndex) };
}

/** Shown in the window when dist/renderer has not been built (development). */
export const MISSING_RENDERER_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LoRA Studio</title></head>
<body style="font-family: sans-serif"><h1>LoRA Studio</h1><p>The app's pages are not built yet. Run <code>npm run build:renderer</code> and start again.</p></body></html>`;
