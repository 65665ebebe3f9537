import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { ServerFrame } from "../contract/wire";
import type { Studio } from "../app/api/createStudioApi";
import { callApi } from "./callApi";
import { checkRequest } from "./checkRequest";
import { parseClientFrame } from "./parseClientFrame";
import type { UploadStore } from "./UploadStore";

const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface SocketHub {
  /** Closes every socket and stops accepting new ones. */
  close(): Promise<void>;
  readonly size: number;
}

/**
 * `GET /ws`: the renderer's channel. Calls are dispatched and answered by id (concurrently: a long call does
 * not hold up the others); every EventHub event goes to every socket, so two tabs see the same state.
 */
export function attachWebSocket(server: Server, studio: Studio, uploads: UploadStore, token: string, port: () => number, maxPayload: number): SocketHub {
  // noServer: the upgrade is checked (Host, Origin, token) by the same gate as HTTP before ws sees it.
  const wss = new WebSocketServer({ noServer: true, maxPayload });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Note: Node removes its own error listener from an upgraded socket; without one, a reset connection would
    // be an uncaught error that ends the process.
    socket.on("error", () => socket.destroy());
    try {
      const url = req.url ?? "";
      if (!url.startsWith("/")) return refuseUpgrade(socket, 400, "malformed request target");
      const verdict = checkRequest({ headers: req.headers, url, method: req.method ?? "GET", upgrade: true }, token, port());
      if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.reason);
      if (url.split("?")[0] !== "/ws") return refuseUpgrade(socket, 404, "not found");
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
    } catch (error) {
      console.error("lora-studio web: a WebSocket upgrade failed:", error);
      refuseUpgrade(socket, 500, "the bridge could not handle this request");
    }
  });

  const serve = (ws: WebSocket) => {
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      // A tab that stopped reading (suspended, frozen) must not make the bridge queue events without end; the
      // renderer reconnects and refetches.
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate();
      ws.send(JSON.stringify(frame));
    };
    const unsubscribe = studio.events.subscribe((e) => send({ type: "event", ...e }));
    ws.on("close", unsubscribe);
    ws.on("error", unsubscribe);
    ws.on("message", (data, isBinary) => {
      try {
        if (isBinary) return ws.close(1003, "text frames only");
        const parsed = parseClientFrame(data.toString());
        if (!parsed.ok) {
          if (parsed.id === null) return ws.close(1007, closeReason(parsed.message));
          return send({ type: "result", id: parsed.id, ok: false, error: { code: "invalid-input", message: parsed.message } });
        }
        const { id, method, params } = parsed.frame;
        callApi(studio, uploads, method, params)
          .then((r) => send(r.ok ? { type: "result", id, ok: true, value: r.value } : { type: "result", id, ok: false, error: r.error }))
          .catch((error: unknown) => {
            console.error(`lora-studio web: the answer to ${method} could not be sent:`, error);
            send({ type: "result", id, ok: false, error: { code: "internal", message: "the bridge could not send this answer; see the terminal running lora-studio web" } });
          });
      } catch (error) {
        console.error("lora-studio web: a WebSocket frame failed:", error);
        ws.close(1011, "internal error");
      }
    });
  };

  return {
    get size() {
      return wss.clients.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A close frame's reason is at most 123 bytes (ws throws beyond): cut between characters. */
function closeReason(text: string): string {
  let out = "";
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, "utf8") > 123) break;
    out += ch;
  }
  return out;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const text = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error" }[status] ?? "Error";
  const body = `${reason}\n`;
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
