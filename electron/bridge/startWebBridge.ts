import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { TOKEN_QUERY } from "../contract/wire";
import type { Studio } from "../app/api/createStudioApi";
import { attachWebSocket } from "./attachWebSocket";
import { checkRequest } from "./checkRequest";
import { handleApiCall } from "./handleApiCall";
import { handleUpload } from "./handleUpload";
import { setSecurityHeaders } from "./securityHeaders";
import { sendJson, sendText } from "./sendText";
import { serveStatic } from "./serveStatic";

/** Loopback only. Note: never 0.0.0.0 or "localhost" (which may resolve to ::1 or, misconfigured, elsewhere). */
export const BRIDGE_HOST = "127.0.0.1";
export const API_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_UPLOAD_LIMIT = 2 * 1024 ** 3;

export interface WebBridgeOptions {
  studio: Studio;
  /** 0 picks any free port. */
  port?: number;
  /** The built renderer (default dist/renderer of the working folder). */
  rendererDir?: string;
  uploadLimitBytes?: number;
}

export interface WebBridge {
  /** The address to open, token included. */
  url: string;
  port: number;
  /** The address the server is bound to, as the OS reports it (always 127.0.0.1). */
  host: string;
  token: string;
  /** Stops serving and closes every socket; the studio itself is the caller's to dispose. */
  close(): Promise<void>;
}

/**
 * Serves the renderer and the api to a browser on 127.0.0.1: static files, `POST /api/<method>`,
 * `POST /upload`, and the `/ws` WebSocket. Every request passes checkRequest (Host, Origin, launch token).
 */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const { studio } = options;
  const rendererDir = resolve(options.rendererDir ?? "dist/renderer");
  const uploadLimit = options.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT;
  const token = randomBytes(32).toString("hex");
  let port = 0;

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: "internal", message: (error as Error).message } });
      else res.destroy();
    });
  });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res, port);
    const verdict = checkRequest({ headers: req.headers, url: req.url ?? "/" }, token, port);
    if (!verdict.ok) return sendText(res, verdict.status, verdict.reason, { Connection: "close" });
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const pathname = q < 0 ? target : target.slice(0, q);
    const search = new URLSearchParams(q < 0 ? "" : target.slice(q + 1));
    if (pathname.startsWith("/api/")) {
      if (req.method !== "POST") return sendText(res, 405, "api calls are POST requests with a JSON body", { Allow: "POST" });
      let method: string;
      try {
        method = decodeURIComponent(pathname.slice(5));
      } catch {
        return sendText(res, 400, "malformed method name");
      }
      return handleApiCall(req, res, studio, method, API_BODY_LIMIT);
    }
    if (pathname === "/upload") {
      if (req.method !== "POST") return sendText(res, 405, "uploads are POST requests", { Allow: "POST" });
      return handleUpload(req, res, studio, search, uploadLimit);
    }
    if (pathname === "/ws") return sendText(res, 426, "this address is a WebSocket", { Upgrade: "websocket" });
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "only GET and HEAD serve files", { Allow: "GET, HEAD" });
    return serveStatic(req, res, rendererDir, pathname, { set: verdict.via === "query", port, token });
  };

  const sockets = attachWebSocket(server, studio, token, () => port, API_BODY_LIMIT);
  // Note: slow or idle clients must not hold the process open or exhaust it.
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // uploads of large files take as long as they take

  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, BRIDGE_HOST, () => {
      server.off("error", fail);
      ok();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${BRIDGE_HOST}:${port}/?${TOKEN_QUERY}=${token}`,
    port,
    host: address.address,
    token,
    close() {
      closed ??= (async () => {
        await sockets.close();
        await new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}
