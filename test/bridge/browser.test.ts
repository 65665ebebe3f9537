import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./bridgeHarness";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`skipping the browser test: ${CHROMIUM} is not installed`);

// The fixture page talks to the bridge the way the renderer does: the token arrives in the address, the cookie
// carries it to the socket, calls go out as frames and events come back. Inline scripts are blocked by the CSP,
// so the script is a file.
const APP_JS = `
const out = (id, text) => { document.getElementById(id).textContent = text; };
const ws = new WebSocket("ws://" + location.host + "/ws");
let next = 1;
const pending = new Map();
const call = (method, params) => new Promise((resolve) => { const id = next++; pending.set(id, resolve); ws.send(JSON.stringify({ type: "call", id, method, params })); });
ws.onmessage = (m) => {
  const f = JSON.parse(m.data);
  if (f.type === "result") { pending.get(f.id)(f); pending.delete(f.id); }
  else if (f.type === "event" && f.event === "state.changed") out("event", f.event + ":" + f.payload.kind);
};
ws.onopen = async () => {
  out("status", "connected");
  const r = await call("listProjects", {});
  out("result", r.ok ? "projects:" + r.value.length : "error:" + r.error.code);
  window.createProject = (name) => call("createProject", { name, domain: "other", language: "en" }).then((r) => out("created", r.ok ? r.value.name : r.error.code));
};
ws.onclose = (e) => out("status", "closed " + e.code);
try { eval("1"); out("eval", "allowed"); } catch { out("eval", "blocked"); }
`;
const INDEX = `<!doctype html><html><head><meta charset="utf-8"><title>fixture</title></head><body>
<p id="status">loading</p><p id="result"></p><p id="created"></p><p id="event"></p><p id="eval"></p><p id="inline">not run</p>
<script>document.getElementById("inline").textContent = "ran";</script>
<script src="/app.js"></script></body></html>`;

describe.skipIf(!haveChromium)("the bridge in Chromium", () => {
  let h: Harness;
  let browser: Browser | undefined;
  beforeAll(async () => {
    h = await startHarness({ rendererFiles: { "index.html": INDEX, "app.js": APP_JS } });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it("opens the printed url, calls the api over the WebSocket, and a second page sees the first one's change", async () => {
    const context = await browser!.newContext();
    const one = await context.newPage();
    const two = await context.newPage();
    const text = (page: Page, id: string) => page.locator(`#${id}`).textContent();
    await one.goto(h.bridge.url);
    // Page functions are strings: this file is type-checked without the DOM library.
    await one.waitForFunction('document.getElementById("result").textContent !== ""');
    expect(await text(one, "status")).toBe("connected");
    expect(await text(one, "result")).toBe("projects:0");
    // The CSP holds in a real browser: no inline script, no eval.
    expect(await text(one, "eval")).toBe("blocked");
    expect(await text(one, "inline")).toBe("not run");

    // The second tab arrives without the token in its address: the cookie the first load set is enough.
    await two.goto(`http://127.0.0.1:${h.bridge.port}/`);
    await two.waitForFunction('document.getElementById("status").textContent === "connected"');
    await one.evaluate('window.createProject("From the browser")');
    await one.waitForFunction('document.getElementById("created").textContent !== ""');
    expect(await text(one, "created")).toBe("From the browser");
    await two.waitForFunction('document.getElementById("event").textContent !== ""');
    expect(await text(two, "event")).toBe("state.changed:projects");
    expect((await h.studio.api.listProjects({})).map((p) => p.name)).toEqual(["From the browser"]);
    await context.close();
  });

  it("a browser without the token gets 401 and no socket", async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const response = await page.goto(`http://127.0.0.1:${h.bridge.port}/`);
    expect(response?.status()).toBe(401);
    expect(await page.content()).toContain("missing token");
    await context.close();
  });
});
