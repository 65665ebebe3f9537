import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { writeFailure } from "../../electron/bridge/handleUpload";
import { TOKEN_HEADER } from "../../electron/contract/wire";
import { raw, rawSocket, startHarness, WsClient, type Harness } from "./bridgeHarness";

// The requests of the probe in issue 17, each sent as it was; after each the server must still answer.
let h: Harness;
let port: number;
let auth: Record<string, string>;
let json: Record<string, string>;
let origin: string;
beforeAll(async () => {
  h = await startHarness({ uploadLimitBytes: 64 * 1024 });
  port = h.bridge.port;
  auth = { [TOKEN_HEADER]: h.bridge.token };
  json = { ...auth, "content-type": "application/json" };
  origin = `http://127.0.0.1:${port}`;
});
afterAll(() => h.close());

/** The server still serves a page and an api call. */
async function expectAlive(after: string): Promise<void> {
  expect((await raw(port, { path: "/", headers: auth })).status, `page after ${after}`).toBe(200);
  const r = await raw(port, { path: "/api/listProjects", method: "POST", headers: json, body: "{}" });
  expect(JSON.parse(r.body).ok, `api after ${after}`).toBe(true);
}

const upgradeStatus = (headers: Record<string, string>) =>
  WsClient.open(port, headers).then(
    (c) => (c.close(), 101),
    (e: Error) => Number(/refused with (\d+)/.exec(e.message)?.[1] ?? 0),
  );

describe("no input stops the server (issue 17.1)", () => {
  it("a malformed token cookie is a 400 over HTTP and on the WebSocket upgrade, and the server lives on", async () => {
    const cookie = `studio_token_${port}=%E0%A4%A`;
    const page = await raw(port, { path: "/", headers: { cookie } });
    expect(page.status).toBe(400);
    expect(page.body).toMatch(/malformed/);
    await expectAlive("a malformed cookie over HTTP");
    expect(await upgradeStatus({ cookie, origin })).toBe(400);
    await expectAlive("a malformed cookie on the upgrade");
    // A good token beside a planted bad cookie still works.
    expect((await raw(port, { path: "/", headers: { ...auth, cookie } })).status).toBe(200);
    expect(await upgradeStatus({ ...auth, cookie })).toBe(101);
  });

  it("malformed URLs, headers and request lines are refused with 400", async () => {
    expect((await raw(port, { path: "/%E0%A4%A", headers: auth })).status).toBe(400);
    expect((await raw(port, { path: "/assets/%00app.js", headers: auth })).status).toBe(400);
    expect((await raw(port, { path: "/api/%E0%A4%A", method: "POST", headers: json, body: "{}" })).status).toBe(400);
    for (const bytes of [
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nNo colon here\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Bad: a\u0000b\r\n\r\n`,
      `GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${TOKEN_HEADER}: ${h.bridge.token}\r\n\r\n`,
      `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${TOKEN_HEADER}: ${h.bridge.token}\r\n\r\n`,
      "NOT HTTP AT ALL\r\n\r\n",
    ]) {
      const r = await rawSocket(port, bytes);
      expect(r.text, JSON.stringify(bytes)).toMatch(/^HTTP\/1\.1 400 /);
      await expectAlive(JSON.stringify(bytes));
    }
    // A bad target on the upgrade, and a connection reset half-way through one.
    const absolute = await rawSocket(port, `GET http://127.0.0.1:${port}/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${TOKEN_HEADER}: ${h.bridge.token}\r\n\r\n`);
    expect(absolute.text).toMatch(/^HTTP\/1\.1 400 /);
    await rawSocket(port, `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`, 50);
    await expectAlive("a reset upgrade");
  });

  it("malformed frames close that socket only", async () => {
    const frames: (string | Buffer)[] = ["{not json", "null", '{"type":"call","id":1.5,"method":"listProjects"}', '{"type":"call","id":2,"method":7}', Buffer.from([0xff, 0xfe]), "\u0000".repeat(10), JSON.stringify({ type: "é".repeat(200) })];
    for (const frame of frames) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: auth });
      await new Promise((r) => ws.once("open", r));
      const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
      const answered = new Promise<string>((r) => ws.once("message", (d) => r(d.toString())));
      ws.send(frame, { binary: Buffer.isBuffer(frame) });
      const outcome = await Promise.race([closed.then((c) => `closed ${c}`), answered]);
      expect(outcome, String(frame)).toMatch(/closed 100[37]|invalid-input/);
      expect(outcome).not.toMatch(/closed 1011/);
      ws.terminate();
    }
    await expectAlive("malformed frames");
  });

  it("an unexpected error in a handler answers 500 with a safe message and the server lives on", async () => {
    const grant = h.studio.grants.grant.bind(h.studio.grants);
    h.studio.grants.grant = () => {
      throw new Error("boom at /work/main/electron/app/api/PathGrants.ts:1:1");
    };
    try {
      const r = await raw(port, { path: "/upload?name=a.txt", method: "POST", headers: auth, body: "x" });
      expect(r.status).toBe(500);
      expect(r.body).not.toMatch(/boom|\.ts|\/work\//);
    } finally {
      h.studio.grants.grant = grant;
    }
    // An answer that cannot be encoded (a BigInt): HTTP 500, and an error frame on the socket.
    const listProjects = h.studio.api.listProjects;
    h.studio.api.listProjects = (async () => [1n]) as unknown as typeof listProjects;
    try {
      expect((await raw(port, { path: "/api/listProjects", method: "POST", headers: json, body: "{}" })).status).toBe(500);
      const ws = await WsClient.open(port, auth);
      const r = await ws.call("listProjects", {});
      expect(r.ok).toBe(false);
      expect((r as { error: { code: string } }).error.code).toBe("internal");
      ws.close();
    } finally {
      h.studio.api.listProjects = listProjects;
    }
    await expectAlive("handler errors");
  });
});

describe("API errors carry no stack or source path (issue 17.4)", () => {
  it("a NUL byte or an over-long path is invalid-input over HTTP and WebSocket, without a stack", async () => {
    const ws = await WsClient.open(port, auth);
    try {
      for (const path of [`${h.studio.home}/a\u0000b.jsonl`, `${h.studio.home}/${"é".repeat(3000)}`, `${h.studio.home}/${"x".repeat(300)}.jsonl`]) {
        const http = JSON.parse((await raw(port, { path: "/api/previewData", method: "POST", headers: json, body: JSON.stringify({ paths: [path] }) })).body);
        const frame = await ws.call("previewData", { paths: [path] });
        for (const r of [http, frame]) {
          expect(r.ok).toBe(false);
          expect(r.error.code).toBe("invalid-input");
          expect(JSON.stringify(r)).not.toMatch(/stack|\.ts:\d|electron\//);
        }
      }
    } finally {
      ws.close();
    }
  });
});

describe("uploads (issue 17.3)", () => {
  it("a name of 300 \"é\" is cut to 255 bytes, keeps its extension, and the upload works", async () => {
    const name = `${"é".repeat(300)}.jsonl`;
    const r = await raw(port, { path: `/upload?name=${encodeURIComponent(name)}`, method: "POST", headers: auth, body: "{}\n" });
    expect(r.status, r.body).toBe(200);
    const ref = JSON.parse(r.body) as { path: string; name: string };
    expect(Buffer.byteLength(ref.name)).toBeLessThanOrEqual(255);
    expect(ref.name.endsWith("é.jsonl")).toBe(true);
    expect(existsSync(ref.path)).toBe(true);
  });

  it("a file that cannot be created is answered with a clear error, and nothing is left behind", async () => {
    const uploads = join(h.studio.home, "uploads");
    rmSync(uploads, { recursive: true, force: true });
    writeFileSync(uploads, "not a folder");
    try {
      const r = await raw(port, { path: "/upload?name=a.jsonl", method: "POST", headers: auth, body: "{}\n" });
      expect(r.status).toBe(500);
      const body = JSON.parse(r.body) as { ok: boolean; error: { code: string; message: string } };
      expect(body.ok).toBe(false);
      expect(body.error.code).toBe("failed");
      expect(body.error.message).toMatch(/could not be written \(E(NOTDIR|EXIST)\)/);
    } finally {
      rmSync(uploads, { force: true });
      mkdirSync(uploads);
    }
    await expectAlive("a failed upload");
    // Each errno a disk gives has its own plain answer.
    const of = (code: string) => writeFailure(Object.assign(new Error(code), { code }), "n.jsonl");
    expect(of("ENAMETOOLONG")).toEqual([400, "invalid-input", expect.stringMatching(/too long.*rename/)]);
    expect(of("EACCES")).toEqual([500, "failed", expect.stringMatching(/permission denied/)]);
    expect(of("ENOSPC")).toEqual([507, "failed", expect.stringMatching(/disk is full/)]);
  });

  it("a client that sends the headers and then stalls is cut off by the idle timeout; its partial file is removed", async () => {
    const s = await startHarness({ timeouts: { idleMs: 300 } });
    try {
      const p = s.bridge.port;
      const started = Date.now();
      const r = await rawSocket(p, `POST /upload?name=slow.bin HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\n${TOKEN_HEADER}: ${s.bridge.token}\r\nContent-Length: 1000\r\n\r\n0123456789`, 5000);
      expect(r.closed).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
      await new Promise((done) => setTimeout(done, 100));
      expect(readdirSync(join(s.studio.home, "uploads"))).toEqual([]);
      expect((await raw(p, { path: "/", headers: { [TOKEN_HEADER]: s.bridge.token } })).status).toBe(200);
      // The WebSocket is not an upload: it stays open however long it idles.
      const ws = await WsClient.open(p, { [TOKEN_HEADER]: s.bridge.token });
      await new Promise((done) => setTimeout(done, 700));
      expect((await ws.call("listProjects", {})).ok).toBe(true);
      ws.close();
    } finally {
      await s.close();
    }
  });
});

describe("cross-site protection does not rest on Origin alone (issue 17.5)", () => {
  it("api calls need Content-Type: application/json", async () => {
    for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await raw(port, { path: "/api/listProjects", method: "POST", headers: type ? { ...auth, "content-type": type } : auth, body: "{}" });
      expect(r.status, String(type)).toBe(415);
      expect(JSON.parse(r.body).error.code).toBe("invalid-input");
    }
    expect((await raw(port, { path: "/api/listProjects", method: "POST", headers: { ...auth, "content-type": "application/json; charset=utf-8" }, body: "{}" })).status).toBe(200);
  });

  it("Sec-Fetch-Site cross-site (or another port's page, same-site) is refused except for a page navigation", async () => {
    for (const site of ["cross-site", "same-site"]) {
      expect((await raw(port, { path: "/api/listProjects", method: "POST", headers: { ...json, "sec-fetch-site": site }, body: "{}" })).status).toBe(403);
      expect((await raw(port, { path: "/upload?name=x.txt", method: "POST", headers: { ...auth, "sec-fetch-site": site }, body: "x" })).status).toBe(403);
      expect((await raw(port, { path: "/assets/app.js", headers: { ...auth, "sec-fetch-site": site, "sec-fetch-mode": "no-cors" } })).status).toBe(403);
      expect(await upgradeStatus({ ...auth, "sec-fetch-site": site })).toBe(403);
      expect((await raw(port, { path: "/", headers: { ...auth, "sec-fetch-site": site, "sec-fetch-mode": "navigate" } })).status).toBe(200);
    }
    expect((await raw(port, { path: "/api/listProjects", method: "POST", headers: { ...json, "sec-fetch-site": "same-origin" }, body: "{}" })).status).toBe(200);
  });

  it("a call with only the cookie and no Origin is refused; the page's own (with Origin) works", async () => {
    const cookie = `studio_token_${port}=${h.bridge.token}`;
    const call = (headers: Record<string, string>) => raw(port, { path: "/api/listProjects", method: "POST", headers: { cookie, "content-type": "application/json", ...headers }, body: "{}" });
    const refused = await call({});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/Origin/);
    expect((await raw(port, { path: "/upload?name=x.txt", method: "POST", headers: { cookie }, body: "x" })).status).toBe(403);
    expect(await upgradeStatus({ cookie })).toBe(403);
    expect((await call({ origin })).status).toBe(200);
    expect((await raw(port, { path: "/upload?name=x.txt", method: "POST", headers: { cookie, origin }, body: "x" })).status).toBe(200);
    // Page loads carry no Origin: still served with the cookie.
    expect((await raw(port, { path: "/assets/app.js", headers: { cookie } })).status).toBe(200);
  });
});

describe("uploads are bounded and cleaned (issue 17.6)", () => {
  it("a quota with a clear error; an imported upload is removed with its grant, which frees the room", async () => {
    const s = await startHarness({ uploadQuotaBytes: 1000 });
    try {
      const p = s.bridge.port;
      const a = { [TOKEN_HEADER]: s.bridge.token };
      const line = JSON.stringify({ instruction: "When is the clinic open?", output: "Monday to Friday, 8 to 18." }) + "\n";
      const body = line.repeat(Math.floor(600 / line.length));
      const upload = (name: string, headers: Record<string, string> = {}) => raw(p, { path: `/upload?name=${name}`, method: "POST", headers: { ...a, ...headers }, body });
      const first = await upload("faq.jsonl");
      expect(first.status, first.body).toBe(200);
      const ref = JSON.parse(first.body) as { path: string };
      const full = await upload("more.jsonl");
      expect(full.status).toBe(413);
      expect(JSON.parse(full.body).error.message).toMatch(/uploads folder is full.*import/);
      const chunked = await upload("more.jsonl", { "transfer-encoding": "chunked" });
      expect(chunked.status).toBe(413);
      expect(readdirSync(join(s.studio.home, "uploads"))).toHaveLength(1);

      const call = async (method: string, params: unknown) => JSON.parse((await raw(p, { path: `/api/${method}`, method: "POST", headers: { ...a, "content-type": "application/json" }, body: JSON.stringify(params) })).body) as { ok: boolean; value: { id: string }; error?: unknown };
      const project = await call("createProject", { name: "Quota", domain: "medical", language: "en" });
      const imported = await call("importDataset", { projectId: project.value.id, paths: [ref.path] });
      expect(imported.ok, JSON.stringify(imported.error)).toBe(true);
      expect(existsSync(ref.path)).toBe(false);
      expect(readdirSync(join(s.studio.home, "uploads"))).toEqual([]);
      expect((await upload("more.jsonl")).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe("the renderer build (issue 17.7)", () => {
  it("leaves the source map out of a production build", async () => {
    const { spawnSync } = await import("node:child_process");
    const out = join(h.dir, "built");
    const r = spawnSync(process.execPath, [join(import.meta.dirname, "../../scripts/buildRenderer.mjs"), "--out", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(join(out, "assets"));
    expect(files).toContain("app.js");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(basename(out)).toBe("built");
  }, 60_000);
});
