import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { createStudioApi, type Studio } from "../../electron/app/api/createStudioApi";
import { startWebBridge, type BridgeTimeouts, type WebBridge } from "../../electron/bridge/startWebBridge";
import type { ServerFrame } from "../../electron/contract/wire";

export interface Harness {
  dir: string;
  studio: Studio;
  bridge: WebBridge;
  rendererDir: string;
  close(): Promise<void>;
}

/** A studio in a temp home and a bridge serving a tiny renderer folder (plus a secret file beside it). */
export async function startHarness(options: { uploadLimitBytes?: number; uploadQuotaBytes?: number; timeouts?: Partial<BridgeTimeouts>; rendererFiles?: Record<string, string> } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "bridge-"));
  const rendererDir = join(dir, "renderer");
  mkdirSync(join(rendererDir, "assets"), { recursive: true });
  const files = options.rendererFiles ?? { "index.html": "<!doctype html><title>fixture</title><script src=\"/assets/app.js\"></script>", "assets/app.js": "console.log('hi')", "assets/style.css": "body{}" };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(rendererDir, name), text);
  writeFileSync(join(rendererDir, ".env"), "SECRET=renderer-dot-file");
  writeFileSync(join(dir, "package.json"), "SECRET=outside-file");
  const studio = createStudioApi({ home: join(dir, "home"), door: "web" });
  const bridge = await startWebBridge({
    studio,
    port: 0,
    rendererDir,
    ...(options.uploadLimitBytes !== undefined ? { uploadLimitBytes: options.uploadLimitBytes } : {}),
    ...(options.uploadQuotaBytes !== undefined ? { uploadQuotaBytes: options.uploadQuotaBytes } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  return {
    dir,
    studio,
    bridge,
    rendererDir,
    async close() {
      await bridge.close();
      await studio.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch may not set Host), with the path sent exactly as given (no normalisation). */
export function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: opts.method ?? "GET", path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // A refused upload may close the connection while the body is still being sent: the response still counts.
    req.on("error", reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/**
 * Bytes written as they are on a fresh connection (malformed headers Node's client would refuse to send); resolves
 * with what came back once the server closes it (or after waitMs).
 */
export function rawSocket(port: number, bytes: string | Buffer, waitMs = 2000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: "127.0.0.1", port }, () => s.write(bytes));
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ text: Buffer.concat(chunks).toString("utf8"), closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    s.on("data", (c: Buffer) => chunks.push(c));
    s.on("close", () => done(true));
    s.on("error", () => undefined);
  });
}

/** A WebSocket client that collects server frames and can call the api by id. */
export class WsClient {
  readonly frames: ServerFrame[] = [];
  private nextId = 1;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => this.frames.push(JSON.parse(d.toString()) as ServerFrame));
  }

  static open(port: number, headers: Record<string, string>): Promise<WsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new WsClient(ws)));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  async call(method: string, params: unknown): Promise<Extract<ServerFrame, { type: "result" }>> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ type: "call", id, method, params }));
    return (await this.waitFor((f) => f.type === "result" && f.id === id)) as Extract<ServerFrame, { type: "result" }>;
  }

  async waitFor(match: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(match);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.ws.close();
  }
}
