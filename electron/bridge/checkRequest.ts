import type { IncomingHttpHeaders } from "node:http";
import { TOKEN_HEADER, TOKEN_QUERY } from "../contract/wire";
import { tokenCookieName } from "./tokenCookie";
import { tokenMatches } from "./tokenMatches";

export type RequestVerdict =
  | { ok: true; via: "header" | "query" | "cookie" }
  | { ok: false; status: 400 | 401 | 403; reason: string };

export interface RequestFacts {
  headers: IncomingHttpHeaders;
  /** The raw request target (path and query), as the client sent it. */
  url: string;
  /** The HTTP method ("GET" for a WebSocket upgrade). */
  method?: string;
  /** True for the WebSocket upgrade (browsers always send Origin on it). */
  upgrade?: boolean;
}

/**
 * The bridge's gate, run before any route (HTTP and the WebSocket upgrade). Note: the Host check stops DNS
 * rebinding (a page on evil.example resolving to 127.0.0.1 would send `Host: evil.example`), the Origin check
 * stops other local pages from driving the API, and the token stops other local users and processes. It never
 * throws: a malformed header is a 400, whatever the client sent.
 */
export function checkRequest(req: RequestFacts, token: string, port: number): RequestVerdict {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = single(req.headers.host)?.toLowerCase() ?? "";
  if (!allowed.includes(host)) return { ok: false, status: 403, reason: `wrong Host header ${JSON.stringify(printable(host))}; open http://127.0.0.1:${port}/` };
  const origin = single(req.headers.origin);
  if (origin !== undefined && !allowed.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: `requests from origin ${JSON.stringify(printable(origin))} are not allowed` };
  }
  const method = (req.method ?? "GET").toUpperCase();
  const readsOnly = !req.upgrade && (method === "GET" || method === "HEAD");
  // Fetch metadata: another site (or another port's page, which is "same-site") may navigate to the app, but
  // never call it, load from it or open its socket.
  const site = single(req.headers["sec-fetch-site"])?.toLowerCase();
  const navigation = readsOnly && single(req.headers["sec-fetch-mode"])?.toLowerCase() === "navigate";
  if ((site === "cross-site" || site === "same-site") && !navigation) {
    return { ok: false, status: 403, reason: `requests from other sites are not allowed (Sec-Fetch-Site: ${site})` };
  }
  const fromHeader = single(req.headers[TOKEN_HEADER]);
  const fromQuery = queryToken(req.url);
  if (fromHeader !== undefined) return tokenMatches(fromHeader, token) ? { ok: true, via: "header" } : wrongToken();
  if (fromQuery !== null) return tokenMatches(fromQuery, token) ? { ok: true, via: "query" } : wrongToken();
  // Only now is the cookie read: a malformed cookie (one another local page may have planted) never hides a
  // good header or query token.
  const fromCookie = cookieValue(req.headers.cookie, tokenCookieName(port));
  if (fromCookie === MALFORMED) return { ok: false, status: 400, reason: `malformed ${tokenCookieName(port)} cookie; open the address lora-studio web printed (it ends with ?token=...)` };
  if (fromCookie === null) {
    return { ok: false, status: 401, reason: "missing token; open the address lora-studio web printed (it ends with ?token=...)" };
  }
  if (!tokenMatches(fromCookie, token)) return wrongToken();
  // Note: the cookie is sent by the browser whoever made the page; a browser always adds Origin to a POST and to a
  // WebSocket upgrade, so a cookie-only call without one comes from something that is not the app's own page.
  if (!readsOnly && origin === undefined) return { ok: false, status: 403, reason: "a call that carries only the cookie must come with an Origin header (the app's own page sends one)" };
  return { ok: true, via: "cookie" };
}

function wrongToken(): RequestVerdict {
  return { ok: false, status: 403, reason: "wrong token; open the address lora-studio web printed most recently" };
}

/** A header sent twice arrives as an array (or joined); only a single plain value counts. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Echoed in refusals: control characters and very long values are cut. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, 200);
}

function queryToken(url: string): string | null {
  const q = url.indexOf("?");
  if (q < 0) return null;
  // URLSearchParams never throws: a malformed escape is kept as it is (and then does not match).
  return new URLSearchParams(url.slice(q + 1)).get(TOKEN_QUERY);
}

const MALFORMED = Symbol("malformed");

function cookieValue(header: string | undefined, name: string): string | null | typeof MALFORMED {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return MALFORMED;
      }
    }
  }
  return null;
}
