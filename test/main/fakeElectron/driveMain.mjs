// Runs the built main process (dist/electron/main.mjs) against the fake Electron and prints what happened as JSON.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { app, BrowserWindow, record } from "electron";

const mainBundle = process.argv[2];
await import(mainBundle);
await new Promise((r) => setTimeout(r, 200));

const win = record.windows[0];
const out = { paths: record.paths, switches: record.switches, privileged: record.privileged, windows: record.windows.length, loaded: win?.loaded, webPreferences: win?.options.webPreferences, show: win?.options.show };
const page = await record.protocols.get("app")(new Request("app://studio/index.html"));
out.page = { status: page.status, csp: page.headers.get("content-security-policy"), type: page.headers.get("content-type"), hasHtml: (await page.text()).includes("<html") };
const escape = await record.protocols.get("app")(new Request("app://studio/%2e%2e/%2e%2e/package.json"));
out.escape = { status: escape.status, body: await escape.text() };

const call = record.ipc.get("studio:call");
out.ipcChannels = [...record.ipc.keys()];
out.created = await call({ senderFrame: { url: "app://studio/index.html" } }, "createProject", { name: "Via IPC", domain: "other", language: "en" });
out.foreign = await call({ senderFrame: { url: "https://evil.example/" } }, "listProjects", {});
out.appInfo = await call({ senderFrame: { url: "app://studio/index.html" } }, "getAppInfo", {});
out.eventsSent = win.webContents.sent.map((s) => `${s.channel} ${s.payload.event}`);

const prevented = [];
win.webContents.emit("will-navigate", { url: "https://evil.example/", preventDefault: () => prevented.push("https://evil.example/") });
win.webContents.emit("will-navigate", { url: "app://studio/index.html#/x", preventDefault: () => prevented.push("app") });
out.navigationPrevented = prevented;
out.windowOpen = win.webContents.openHandler({ url: "https://example.com" });
out.permission = await new Promise((r) => win.webContents.session.permissionRequest(win.webContents, "media", r));

win.emit("close");
const stateFile = join(record.paths.userData, "window-state.json");
out.windowState = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : null;

// Quit: main must hold the first quit, dispose the studio (checkpoints), then quit again for real.
const quitForReal = new Promise((r) => app.once("quit-for-real", r));
app.quit();
await quitForReal;
out.quitCalls = record.quitCalls;
out.ipcAfterQuit = [...record.ipc.keys()];
out.menuLabels = (record.menu ?? []).map((m) => m.label ?? m.role);
console.log(JSON.stringify(out));
