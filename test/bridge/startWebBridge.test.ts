import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_HEADER } from "../../electron/contract/wire";
import { raw, startHarness, WsClient, type Harness } from "./bridgeHarness";

let h: Harness;
let port: number;
let auth: Record<string, string>;
let jsonAuth: Record<string, string>;
beforeAll(async () => {
  h = await startHarness({ uploadLimitBytes: 64 * 1024 });
  port = h.bridge.port;
  auth = { [TOKEN_HEADER]: h.bridge.token };
  jsonAuth = { ...auth, "content-type": "application/json" };
});
afterAll(() => h.close());

describe("the web bridge's gate", () => {
  it("listens on 127.0.0.1 only, with a 64-hex-digit token in the printed url", () => {
    expect(h.bridge.token).toMatch(/^[0-9a-f]{64}$/);
    expect(h.bridge.url).toBe(`http://127.0.0.1:${port}/?token=${h.bridge.token}`);
    expect(h.bridge.host).toBe("127.0.0.1");
  });

  it("cannot be reached on the machine's other addresses", async () => {
    const others = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address);
    if (others.length === 0) console.log("this machine has no non-loopback address; checked ::1 only");
    for (const address of ["::1", ...others]) {
      const outcome = await new Promise<string>((resolve) => {
        const s = connect({ host: address, port }, () => {
          s.destroy();
          resolve("connected");
        });
        s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      });
      expect(outcome, address).not.toBe("connected");
    }
  });

  it("answers 401 without a token and 403 with a wrong one, over HTTP and the WebSocket upgrade", async () => {
    for (const path of ["/", "/assets/app.js", "/api/listProjects"]) {
      const r = await raw(port, { path, method: path.startsWith("/api") ? "POST" : "GET" });
      expect(r.status, path).toBe(401);
      expect(r.headers["content-type"]).toMatch(/^text\/plain/);
      expect(r.body).toMatch(/missing token/);
    }
    expect((await raw(port, { path: "/", headers: { [TOKEN_HEADER]: "0".repeat(64) } })).status).toBe(403);
    expect((await raw(port, { path: "/?token=nope" })).status).toBe(403);
    expect((await raw(port, { path: "/", headers: { cookie: `studio_token_${port}=nope` } })).status).toBe(403);
    await expect(WsClient.open(port, {})).rejects.toThrow(/401/);
    await expect(WsClient.open(port, { [TOKEN_HEADER]: "x" })).rejects.toThrow(/403/);
  });

  it("refuses a foreign Host (DNS rebinding) and a foreign Origin even with the right token", async () => {
    const host = await raw(port, { path: "/", headers: { ...auth, host: `evil.example:${port}` } });
    expect(host.status).toBe(403);
    expect(host.body).toMatch(/Host/);
    expect((await raw(port, { path: "/", headers: { ...auth, host: "127.0.0.1:1" } })).status).toBe(403);
    const origin = await raw(port, { path: "/api/listProjects", method: "POST", headers: { ...auth, origin: "http://evil.example" } });
    expect(origin.status).toBe(403);
    expect((await raw(port, { path: "/", headers: { ...auth, origin: "null" } })).status).toBe(403);
    await expect(WsClient.open(port, { ...auth, origin: "http://evil.example" })).rejects.toThrow(/403/);
    // Both loopback spellings are the bridge's own.
    expect((await raw(port, { path: "/", headers: { ...auth, host: `localhost:${port}`, origin: `http://localhost:${port}` } })).status).toBe(200);
  });

  it("sets the HttpOnly SameSite=Strict cookie after a ?token= page load, and the cookie then works alone", async () => {
    const first = await raw(port, { path: `/?token=${h.bridge.token}` });
    expect(first.status).toBe(200);
    const cookie = String(first.headers["set-cookie"]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(";")[0]!;
    expect((await raw(port, { path: "/assets/app.js", headers: { cookie: pair } })).status).toBe(200);
    const ws = await WsClient.open(port, { cookie: pair, origin: `http://127.0.0.1:${port}` });
    ws.close();
  });
});

describe("static files", () => {
  it("serves the renderer with its content types, no-store for index.html and the security headers", async () => {
    const index = await raw(port, { path: "/", headers: auth });
    expect(index.status).toBe(200);
    expect(index.body).toContain("fixture");
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(index.headers["cache-control"]).toBe("no-store");
    const csp = String(index.headers["content-security-policy"]);
    for (const d of ["default-src 'self'", `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`, "img-src 'self' data: blob:", "style-src 'self' 'unsafe-inline'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
    expect(index.headers["x-content-type-options"]).toBe("nosniff");
    expect(index.headers["referrer-policy"]).toBe("no-referrer");
    expect((await raw(port, { path: "/assets/app.js", headers: auth })).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await raw(port, { path: "/assets/style.css", headers: auth })).headers["content-type"]).toBe("text/css; charset=utf-8");
    expect((await raw(port, { path: "/nothing-here.js", headers: auth })).status).toBe(404);
  });

  it("never serves a file outside the renderer folder or a dot file", async () => {
    for (const path of ["/../package.json", "/%2e%2e/package.json", "/assets/..%2f..%2fpackage.json", "/assets/%2e%2e/%2e%2e/package.json", "/.env", "/%2eenv", "/assets/..\\..\\package.json", "//etc/passwd", "/%00index.html"]) {
      const r = await raw(port, { path, headers: auth });
      expect([400, 403, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain("SECRET");
    }
  });

  it("says to build the renderer when the folder has no index.html", async () => {
    const empty = await startHarness({ rendererFiles: {} });
    try {
      const r = await raw(empty.bridge.port, { path: "/", headers: { [TOKEN_HEADER]: empty.bridge.token } });
      expect(r.status).toBe(200);
      expect(r.body).toContain("npm run build:renderer");
    } finally {
      await empty.close();
    }
  });
});

describe("the api over HTTP and WebSocket", () => {
  it("POST /api/<method> dispatches and answers the ApiResult; bad JSON is 400, api errors are values", async () => {
    const created = await raw(port, { path: "/api/createProject", method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "Clinic FAQ", domain: "medical", language: "en" }) });
    expect(created.status).toBe(200);
    const project = JSON.parse(created.body) as { ok: true; value: { id: string; name: string } };
    expect(project.ok).toBe(true);
    expect(project.value.name).toBe("Clinic FAQ");
    const list = JSON.parse((await raw(port, { path: "/api/listProjects", method: "POST", headers: jsonAuth })).body) as { ok: true; value: { id: string }[] };
    expect(list.value.map((p) => p.id)).toContain(project.value.id);
    const bad = await raw(port, { path: "/api/listProjects", method: "POST", headers: jsonAuth, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe("invalid-input");
    const invalid = JSON.parse((await raw(port, { path: "/api/createProject", method: "POST", headers: jsonAuth, body: JSON.stringify({ name: "" }) })).body);
    expect(invalid.ok).toBe(false);
    expect(invalid.error.code).toBe("invalid-input");
    const unknown = JSON.parse((await raw(port, { path: "/api/rmRf", method: "POST", headers: jsonAuth, body: "{}" })).body);
    expect(unknown.error.code).toBe("not-found");
    expect((await raw(port, { path: "/api/listProjects", headers: auth })).status).toBe(405);
  });

  it("refuses an api body over 1 MiB with 413", async () => {
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) });
    const r = await raw(port, { path: "/api/createProject", method: "POST", headers: jsonAuth, body: big });
    expect(r.status).toBe(413);
  });

  it("calls over the WebSocket are answered by id, and every socket sees every event", async () => {
    const a = await WsClient.open(port, auth);
    const b = await WsClient.open(port, auth);
    const c = await WsClient.open(port, auth);
    try {
      const created = await c.call("createProject", { name: "Law firm", domain: "legal", language: "en" });
      expect(created.ok).toBe(true);
      const id = (created as { value: { id: string } }).value.id;
      for (const client of [a, b, c]) {
        const event = await client.waitFor((f) => f.type === "event" && f.event === "state.changed" && f.payload.kind === "projects");
        expect(event.type).toBe("event");
      }
      const listed = await a.call("listProjects", {});
      expect((listed as { value: { id: string }[] }).value.map((p) => p.id)).toContain(id);
      const invalid = await b.call("getProject", {});
      expect(invalid.ok).toBe(false);
      expect((invalid as { error: { code: string } }).error.code).toBe("invalid-input");
    } finally {
      for (const client of [a, b, c]) client.close();
    }
  });
});

describe("uploads", () => {
  it("streams the body into home/uploads, grants it, and returns a FileRef the api accepts", async () => {
    const text = '{"instruction":"When is the clinic open?","output":"Mon-Fri 8-18."}\n';
    const r = await raw(port, { path: `/upload?name=${encodeURIComponent("../../faq data.jsonl")}`, method: "POST", headers: auth, body: text });
    expect(r.status).toBe(200);
    const ref = JSON.parse(r.body) as { path: string; name: string; bytes: number };
    expect(ref.name).toBe("faq data.jsonl");
    expect(ref.bytes).toBe(Buffer.byteLength(text));
    expect(ref.path.startsWith(join(h.studio.home, "uploads"))).toBe(true);
    expect(readFileSync(ref.path, "utf8")).toBe(text);
    expect(h.studio.grants.check(ref.path)).toBe(ref.path);
    // A file the user never gave is refused by the same gate.
    const other = join(h.dir, "not-uploaded.jsonl");
    writeFileSync(other, text);
    expect(() => h.studio.grants.check(other)).toThrow(/may only read files you chose/);
    // And through the api, over the same bridge: the uploaded file is read, the other one refused.
    const preview = async (path: string) => JSON.parse((await raw(port, { path: "/api/previewData", method: "POST", headers: jsonAuth, body: JSON.stringify({ paths: [path] }) })).body) as { ok: boolean; value?: { exampleCount: number }; error?: { code: string } };
    const accepted = await preview(ref.path);
    expect(accepted.ok, JSON.stringify(accepted.error)).toBe(true);
    expect(accepted.value!.exampleCount).toBe(1);
    expect((await preview(other)).error?.code).toBe("forbidden");
  });

  it("refuses an upload over the limit with 413 and keeps nothing of it", async () => {
    const r = await raw(port, { path: "/upload?name=big.bin", method: "POST", headers: auth, body: Buffer.alloc(128 * 1024) });
    const before = readdirSync(join(h.studio.home, "uploads")).length;
    expect(r.status).toBe(413);
    // Without a Content-Length the limit is counted while streaming, and the partial file is removed.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/upload?name=big.bin", headers: { ...auth, host: `127.0.0.1:${port}`, "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(16 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);
    await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(join(h.studio.home, "uploads")).length).toBe(before);
    expect(existsSync(join(h.studio.home, "uploads", "big.bin"))).toBe(false);
    expect((await raw(port, { path: "/upload", method: "POST", headers: auth, body: "x" })).status).toBe(400);
  });
});
