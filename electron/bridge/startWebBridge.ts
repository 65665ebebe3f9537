import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join, resolve } from "node:path";
import { TOKEN_QUERY } from "../contract/wire";
import type { Studio } from "../app/api/createStudioApi";
import { attachWebSocket } from "./attachWebSocket";
import { checkRequest } from "./checkRequest";
import { handleApiCall } from "./handleApiCall";
import { handleUpload } from "./handleUpload";
import { setSecurityHeaders } from "./securityHeaders";
import { sendJson, sendText } from "./sendText";
import { serveStatic } from "./serveStatic";
import { DEFAULT_UPLOAD_QUOTA, UploadStore } from "./UploadStore";

/** Loopback only. Note: never 0.0.0.0 or "localhost" (which may resolve to ::1 or, misconfigured, elsewhere). */
export const BRIDGE_HOST = "127.0.0.1";
export const API_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_UPLOAD_LIMIT = 2 * 1024 ** 3;

/** How long a client may take; none is unlimited, so a stalled client cannot hold a connection forever. */
export interface BridgeTimeouts {
  /** To send the request's headers (default 30 s). */
  headersMs: number;
  /** For a whole request, body included (default 2 h: a 2 GiB upload at 0.3 MB/s). */
  requestMs: number;
  /** With nothing sent or received on a connection (default 60 s): a stalled upload ends here. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: BridgeTimeouts = { headersMs: 30_000, requestMs: 2 * 60 * 60_000, idleMs: 60_000 };

export interface WebBridgeOptions {
  studio: Studio;
  /** 0 picks any free port. */
  port?: number;
  /** The built renderer (default dist/renderer of the working folder). */
  rendererDir?: string;
  uploadLimitBytes?: number;
  /** Bytes all uploads of the home may take together (default DEFAULT_UPLOAD_QUOTA). */
  uploadQuotaBytes?: number;
  /** Shorter in tests. */
  timeouts?: Partial<BridgeTimeouts>;
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

  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const uploads = new UploadStore(join(studio.home, "uploads"), options.uploadQuotaBytes ?? DEFAULT_UPLOAD_QUOTA, studio.grants);

  const server = createServer(
    // Node checks the header and request timeouts on this interval: at most half the shortest one.
    { connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 2))) },
    (req, res) => {
      // No input may stop the server: whatever a handler throws is answered (a safe message) and logged.
      let handled: Promise<void>;
      try {
        handled = route(req, res);
      } catch (error) {
        handled = Promise.reject(error);
      }
      handled.catch((error: unknown) => {
        // A client that went away mid-request is nobody's error.
        if (req.destroyed && (req.socket?.destroyed ?? true)) return void res.destroy();
        console.error(`lora-studio web: ${req.method} ${String(req.url).split("?")[0]} failed:`, error);
        if (!res.headersSent && !res.destroyed) sendJson(res, 500, { ok: false, error: { code: "internal", message: "the bridge could not handle this request; see the terminal running lora-studio web" } });
        else res.destroy();
      });
    },
  );

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res, port);
    const target = req.url ?? "/";
    if (!target.startsWith("/")) return sendText(res, 400, "malformed request target; ask for a path such as /", { Connection: "close" });
    const verdict = checkRequest({ headers: req.headers, url: target, method: req.method ?? "GET" }, token, port);
    if (!verdict.ok) return sendText(res, verdict.status, verdict.reason, { Connection: "close" });
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
      return handleApiCall(req, res, studio, uploads, method, API_BODY_LIMIT);
    }
    if (pathname === "/upload") {
      if (req.method !== "POST") return sendText(res, 405, "uploads are POST requests", { Allow: "POST" });
      return handleUpload(req, res, studio, uploads, search, uploadLimit);
    }
    if (pathname === "/ws") return sendText(res, 426, "this address is a WebSocket", { Upgrade: "websocket" });
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "only GET and HEAD serve files", { Allow: "GET, HEAD" });
    return serveStatic(req, res, rendererDir, pathname, { set: verdict.via === "query", port, token });
  };

  const sockets = attachWebSocket(server, studio, uploads, token, () => port, API_BODY_LIMIT);
  // Note: slow or idle clients must not hold the process open or exhaust it. The WebSocket is exempt (ws clears the
  // idle timeout of the sockets it takes over).
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = Math.min(5_000, timeouts.idleMs);
  server.setTimeout(timeouts.idleMs, (socket: Socket) => socket.destroy());
  // A request Node cannot parse (a malformed header, a bad request line) is answered 400 without reaching route.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === "ECONNRESET") return void socket.destroy();
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    const body = `${status.slice(4)}\n`;
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  });

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
