import type { IncomingHttpHeaders } from "node:http";
import { TOKEN_HEADER, TOKEN_QUERY } from "../contract/wire";
import { tokenCookieName } from "./tokenCookie";
import { tokenMatches } from "./tokenMatches";

export type RequestVerdict =
  | { ok: true; via: "header" | "query" | "cookie" }
  | { ok: false; status: 401 | 403; reason: string };

export interface RequestFacts {
  headers: IncomingHttpHeaders;
  /** The raw request target (path and query), as the client sent it. */
  url: string;
}

/**
 * The bridge's gate, run before any route (HTTP and the WebSocket upgrade). Note: the Host check stops DNS
 * rebinding (a page on evil.example resolving to 127.0.0.1 would send `Host: evil.example`), the Origin check
 * stops other local pages from driving the API, and the token stops other local users and processes.
 */
export function checkRequest(req: RequestFacts, token: string, port: number): RequestVerdict {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = (req.headers.host ?? "").toLowerCase();
  if (!allowed.includes(host)) return { ok: false, status: 403, reason: `wrong Host header "${req.headers.host ?? ""}"; open http://127.0.0.1:${port}/` };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: `requests from origin "${origin}" are not allowed` };
  }
  const header = req.headers[TOKEN_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = queryToken(req.url);
  const fromCookie = cookieValue(req.headers.cookie, tokenCookieName(port));
  if (fromHeader === undefined && fromQuery === null && fromCookie === null) {
    return { ok: false, status: 401, reason: "missing token; open the address lora-studio web printed (it ends with ?token=...)" };
  }
  // Each form that is present must match: a wrong header next to a stale cookie is still a wrong token.
  if (fromHeader !== undefined) return tokenMatches(fromHeader, token) ? { ok: true, via: "header" } : wrongToken();
  if (fromQuery !== null) return tokenMatches(fromQuery, token) ? { ok: true, via: "query" } : wrongToken();
  return tokenMatches(fromCookie, token) ? { ok: true, via: "cookie" } : wrongToken();
}

function wrongToken(): RequestVerdict {
  return { ok: false, status: 403, reason: "wrong token; open the address lora-studio web printed most recently" };
}

function queryToken(url: string): string | null {
  const q = url.indexOf("?");
  if (q < 0) return null;
  return new URLSearchParams(url.slice(q + 1)).get(TOKEN_QUERY);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
