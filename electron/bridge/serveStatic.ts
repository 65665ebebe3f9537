import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { relative, isAbsolute, join } from "node:path";
import { contentType } from "./contentTypes";
import { resolveStaticPath } from "./resolveStaticPath";
import { sendText } from "./sendText";
import { setCookieIfNeeded, type CookieHint } from "./setCookieIfNeeded";

const MISSING_BUILD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LoRA Studio</title></head>
<body><h1>LoRA Studio</h1><p>The app's pages are not built yet. Run <code>npm run build:renderer</code>, then reload this page.</p></body></html>
`;

/** GET/HEAD of the built renderer: only regular files inside rendererDir (symbolic links resolved and checked again). */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, rendererDir: string, pathname: string, cookie: CookieHint): Promise<void> {
  const target = resolveStaticPath(rendererDir, pathname);
  if (target.kind === "forbidden") return target.malformed ? sendText(res, 400, `bad request: ${target.reason}`) : sendText(res, 403, `forbidden: ${target.reason}`);
  const isIndex = target.path === join(rendererDir, "index.html");
  const file = await regularFileInside(rendererDir, target.path);
  if (!file) {
    if (isIndex) {
      setCookieIfNeeded(res, cookie);
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : MISSING_BUILD);
      return;
    }
    return sendText(res, 404, "not found");
  }
  setCookieIfNeeded(res, cookie);
  res.writeHead(200, {
    "Content-Type": contentType(file.path),
    "Content-Length": String(file.size),
    // Note: index.html names the hashed bundles of the current build; a cached copy would load stale ones.
    "Cache-Control": isIndex ? "no-store" : "no-cache",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file.path).on("error", () => res.destroy()).pipe(res);
}

async function regularFileInside(root: string, path: string): Promise<{ path: string; size: number } | null> {
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
    const rel = relative(realRoot, real);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
    const s = await stat(real);
    return s.isFile() ? { path: real, size: s.size } : null;
  } catch {
    return null;
  }
}
