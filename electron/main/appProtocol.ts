import { readFile } from "node:fs/promises";
import { protocol } from "electron";
import { APP_SCHEME } from "./appUrl";
import { appResponseHeaders } from "./contentSecurityPolicy";
import { MISSING_RENDERER_HTML, resolveAppRequest } from "./resolveAppRequest";

/** Must run before the app is ready: app:// behaves like https (a secure, standard origin with fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer folder on app://studio/ with the CSP (see resolveAppRequest for the path rules). */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(rendererDir, request.url);
    if (r.status === 200) return new Response(await readFile(r.path), { status: 200, headers: r.headers });
    if (r.status === 404 && new URL(request.url).pathname.replace(/^\/$/, "/index.html") === "/index.html") {
      return new Response(MISSING_RENDERER_HTML, { status: 200, headers: appResponseHeaders("text/html; charset=utf-8", true) });
    }
    return new Response(r.text, { status: r.status, headers: r.headers });
  });
}
