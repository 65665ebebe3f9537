import type { ApiError, ApiResult } from "../contract/ApiError";
import { METHOD_NAMES, type ApiMethod } from "../contract/StudioApi";
import type { StudioEvent } from "../contract/StudioEvents";
import { IPC_CALL_CHANNEL, IPC_DROPPED_FILE_CHANNEL, IPC_EVENT_CHANNEL } from "../contract/wire";
import type { Studio } from "../app/api/createStudioApi";
import { dispatch } from "../app/api/dispatch";
import { isAppUrl } from "./appUrl";
import { checkDroppedPath } from "./checkDroppedPath";

/** What the router needs of an invoke event: where the call came from. */
export interface IpcCallEvent {
  senderFrame: { url: string } | null;
}

/** The part of Electron's ipcMain the router uses (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcCallEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

type Handler = (params: unknown) => Promise<ApiResult<unknown>>;

export interface IpcRouter {
  /** One handler per api method, built from METHOD_NAMES (the preload's call() reaches exactly these). */
  readonly handlers: Readonly<Record<ApiMethod, Handler>>;
  dispose(): void;
}

export interface IpcRouterOptions {
  ipcMain: IpcMainLike;
  studio: Pick<Studio, "api" | "events" | "grants">;
  /** Sends an event to every open window (main.ts: webContents.send(IPC_EVENT_CHANNEL, event)). */
  broadcast(channel: typeof IPC_EVENT_CHANNEL, event: StudioEvent): void;
  /** The user's home folder, which a drop may not grant whole (default: os.homedir()). */
  home?: string;
  /** Which sender URLs are the app's own page (default: app://studio/...). */
  isTrustedUrl?: (url: string) => boolean;
}

/**
 * The Electron door: one invoke channel (IPC_CALL_CHANNEL, with the method name and params) whose handler
 * refuses frames other than the app's own page, then dispatches like every door. It answers ApiResult values and
 * never throws: Electron would pass only a thrown error's message. EventHub events go to every window.
 */
export function createIpcRouter(options: IpcRouterOptions): IpcRouter {
  const { ipcMain, studio } = options;
  const trusted = options.isTrustedUrl ?? isAppUrl;
  const handlers = Object.fromEntries(METHOD_NAMES.map((m) => [m, (params: unknown) => dispatch(studio.api, m, params)])) as Record<ApiMethod, Handler>;

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method, params) => {
    const url = event.senderFrame?.url ?? "";
    if (!trusted(url)) return refuse("forbidden", `calls are accepted only from the app's own page, not from ${url || "an unknown frame"}`);
    if (typeof method !== "string" || !Object.hasOwn(handlers, method)) return refuse("not-found", `there is no api method ${JSON.stringify(method)}`);
    try {
      return await handlers[method as ApiMethod](params);
    } catch (error) {
      // dispatch already maps errors; this only guards against a bug in the router itself.
      return refuse("internal", (error as Error).message);
    }
  });
  // A dropped file is the user's choice, like a dialog's: the preload computed its path from the drop. Files only:
  // a folder, a drive's root or the home folder is refused with a message the preload turns into an error.
  ipcMain.handle(IPC_DROPPED_FILE_CHANNEL, async (event, path): Promise<ApiResult<true>> => {
    const url = event.senderFrame?.url ?? "";
    if (!trusted(url)) return refuse("forbidden", `dropped files are accepted only from the app's own page, not from ${url || "an unknown frame"}`);
    try {
      const verdict = checkDroppedPath(path, options.home);
      if (!verdict.ok) return refuse("invalid-input", verdict.message);
      studio.grants.grant(verdict.path);
      return { ok: true, value: true };
    } catch (error) {
      // A path Node refuses outright (a NUL byte, over-long): an answer, never a rejected invoke.
      return refuse("invalid-input", `that dropped path cannot be used (${(error as Error).message.split("\n")[0]}); drop the file again or use the Choose files button`);
    }
  });
  const unsubscribe = studio.events.subscribe((event) => options.broadcast(IPC_EVENT_CHANNEL, event));

  return {
    handlers,
    dispose() {
      unsubscribe();
      ipcMain.removeHandler(IPC_CALL_CHANNEL);
      ipcMain.removeHandler(IPC_DROPPED_FILE_CHANNEL);
    },
  };
}

function refuse(code: ApiError["code"], message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}
