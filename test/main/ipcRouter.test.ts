import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, parse, sep } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createStudioApi } from "../../electron/app/api/createStudioApi";
import type { ApiResult } from "../../electron/contract/ApiError";
import { METHOD_NAMES } from "../../electron/contract/StudioApi";
import type { StudioEvent } from "../../electron/contract/StudioEvents";
import { IPC_CALL_CHANNEL, IPC_DROPPED_FILE_CHANNEL, IPC_EVENT_CHANNEL } from "../../electron/contract/wire";
import { APP_INDEX_URL } from "../../electron/main/appUrl";
import { createIpcRouter, type IpcCallEvent, type IpcMainLike } from "../../electron/main/ipcRouter";

const dir = mkdtempSync(join(tmpdir(), "ipc-router-"));
const studio = createStudioApi({ home: join(dir, "home"), door: "electron" });
afterAll(async () => {
  await studio.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** ipcMain as far as the router uses it: handlers by channel, invoked the way ipcRenderer.invoke reaches them. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcCallEvent, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: IpcCallEvent, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(url: string | null, ...args: unknown[]): Promise<ApiResult<unknown>> {
    const h = this.handlers.get(IPC_CALL_CHANNEL);
    if (!h) throw new Error("no handler");
    return h({ senderFrame: url === null ? null : { url } }, ...args) as Promise<ApiResult<unknown>>;
  }
}

describe("the IPC router", () => {
  const ipcMain = new FakeIpcMain();
  const sent: { channel: string; event: StudioEvent }[] = [];
  const router = createIpcRouter({ ipcMain, studio, broadcast: (channel, event) => sent.push({ channel, event }) });

  it("registers one call channel whose handler table is exactly METHOD_NAMES, and the dropped-file channel", () => {
    expect([...ipcMain.handlers.keys()]).toEqual([IPC_CALL_CHANNEL, IPC_DROPPED_FILE_CHANNEL]);
    expect(Object.keys(router.handlers).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it("dispatches calls from the app's page and forwards events to the windows", async () => {
    const created = await ipcMain.invoke(APP_INDEX_URL, "createProject", { name: "Clinic", domain: "medical", language: "en" });
    expect(created.ok).toBe(true);
    const listed = await ipcMain.invoke("app://studio/index.html#/projects", "listProjects", {});
    expect(listed).toMatchObject({ ok: true, value: [{ name: "Clinic" }] });
    expect(sent.some((s) => s.channel === IPC_EVENT_CHANNEL && s.event.event === "state.changed" && s.event.payload.kind === "projects")).toBe(true);
  });

  it("grants a dropped file's path only when the app's own page sends it", async () => {
    const dropped = join(dir, "dropped.gguf");
    writeFileSync(dropped, "not a model");
    const drop = (url: string, path: unknown) => ipcMain.handlers.get(IPC_DROPPED_FILE_CHANNEL)!({ senderFrame: { url } }, path);
    expect(await drop("https://evil.example/", dropped)).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringMatching(/only from the app's own page, not from https:\/\/evil\.example/) } });
    expect(await drop(APP_INDEX_URL, "relative/path.gguf")).toMatchObject({ ok: false, error: { code: "invalid-input", message: expect.stringMatching(/absolute path/) } });
    expect(await ipcMain.invoke(APP_INDEX_URL, "addModel", { path: dropped })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await drop(APP_INDEX_URL, dropped)).toEqual({ ok: true, value: true });
    // Now readable: refused for what it is (not a GGUF file), no longer for where it is.
    expect(await ipcMain.invoke(APP_INDEX_URL, "addModel", { path: dropped })).toMatchObject({ ok: false, error: { code: expect.not.stringMatching(/^forbidden$/) } });
  });

  it("refuses a dropped folder, a drive's root and the home folder with a message, and grants nothing", async () => {
    const drop = (path: unknown) => ipcMain.handlers.get(IPC_DROPPED_FILE_CHANNEL)!({ senderFrame: { url: APP_INDEX_URL } }, path) as Promise<ApiResult<true>>;
    const folder = join(dir, "patients");
    mkdirSync(folder);
    writeFileSync(join(folder, "records.gguf"), "private");
    const refused = async (path: string, why: RegExp) => {
      const r = await drop(path);
      expect(r, path).toMatchObject({ ok: false, error: { code: "invalid-input", message: expect.stringMatching(why) } });
    };
    await refused(folder, /is a folder; LoRA Studio takes dropped files only/);
    await refused(`${folder}${sep}`, /is a folder/);
    await refused(parse(dir).root, /is the root of a drive/);
    // The router's default home is the real one (os.homedir()).
    await refused(homedir(), /is your home folder/);
    await refused(join(dir, "gone.gguf"), /does not exist/);
    // Paths Node refuses outright are answered, not thrown.
    await refused(join(dir, "bad\0name.gguf"), /cannot be used/);
    // Nothing inside the refused folder became readable.
    expect(await ipcMain.invoke(APP_INDEX_URL, "addModel", { path: join(folder, "records.gguf") })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("refuses the home folder it is given (the user's home in the app)", async () => {
    const other = new FakeIpcMain();
    const home = join(dir, "someone");
    mkdirSync(home);
    const r = createIpcRouter({ ipcMain: other, studio, home, broadcast: () => {} });
    try {
      const answer = await other.handlers.get(IPC_DROPPED_FILE_CHANNEL)!({ senderFrame: { url: APP_INDEX_URL } }, home);
      expect(answer).toMatchObject({ ok: false, error: { message: `${home} is your home folder; drop the files themselves, not your whole home folder` } });
    } finally {
      r.dispose();
    }
  });

  it("refuses callers other than the app's own page, without running the call", async () => {
    for (const url of ["https://evil.example/", "file:///tmp/x.html", "app://other/index.html", "", null]) {
      const r = await ipcMain.invoke(url, "createProject", { name: "Injected", domain: "other", language: "en" });
      expect(r, String(url)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    expect((await studio.api.listProjects({})).map((p) => p.name)).toEqual(["Clinic"]);
  });

  it("validates the method and params and answers errors as values, never throwing", async () => {
    expect(await ipcMain.invoke(APP_INDEX_URL, "createProject", { name: "", domain: "medical", language: "en" })).toMatchObject({ ok: false, error: { code: "invalid-input" } });
    expect(await ipcMain.invoke(APP_INDEX_URL, "createProject", { name: "x", domain: "medical", language: "en", extra: 1 })).toMatchObject({ ok: false, error: { code: "invalid-input" } });
    for (const method of ["rmRf", "__proto__", "constructor", "toString", 42, undefined]) {
      expect(await ipcMain.invoke(APP_INDEX_URL, method, {}), String(method)).toMatchObject({ ok: false, error: { code: "not-found" } });
    }
    expect(await ipcMain.invoke(APP_INDEX_URL, "getProject", { projectId: "missing" })).toMatchObject({ ok: false, error: { code: "not-found" } });
  });

  it("dispose removes the channel and stops forwarding events", async () => {
    router.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    const before = sent.length;
    await studio.api.createProject({ name: "After", domain: "other", language: "en" });
    expect(sent.length).toBe(before);
  });
});
