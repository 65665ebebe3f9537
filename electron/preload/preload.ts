/**
 * The only bridge between the page and the main process. Note: the page gets two functions, never ipcRenderer
 * itself (which could send on any channel) and never Electron's event objects (whose `sender` is ipcRenderer).
 * Sandboxed preloads run as CommonJS with only `electron` to require, so this file imports types and constants only.
 */
import { contextBridge, ipcRenderer, webUtils } from "electron";
import type { ApiResult } from "../contract/ApiError";
import type { ApiMethod } from "../contract/StudioApi";
import type { StudioEvent } from "../contract/StudioEvents";
import { IPC_CALL_CHANNEL, IPC_DROPPED_FILE_CHANNEL, IPC_EVENT_CHANNEL } from "../contract/wire";
import type { StudioPreloadApi } from "./StudioPreloadApi";

const studio: StudioPreloadApi = {
  call(method: ApiMethod, params: unknown): Promise<ApiResult<unknown>> {
    // The main side validates the method and params (dispatch); this only keeps obvious junk off the channel.
    if (typeof method !== "string") return Promise.resolve({ ok: false, error: { code: "invalid-input", message: "the method name must be a string" } });
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params) as Promise<ApiResult<unknown>>;
  },
  on(listener: (event: StudioEvent) => void): () => void {
    const relay = (_event: unknown, payload: StudioEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay);
    };
  },
  async pathForFile(file: File): Promise<string | null> {
    // Note: the path comes from the File object the drop produced, computed here, never from the page's words.
    const path = webUtils.getPathForFile(file);
    if (!path) return null;
    // The main side grants files only; a folder, a drive's root or the home folder comes back refused, with why.
    const granted = (await ipcRenderer.invoke(IPC_DROPPED_FILE_CHANNEL, path)) as ApiResult<true>;
    if (!granted.ok) throw new Error(granted.error.message);
    return path;
  },
};

contextBridge.exposeInMainWorld("studio", studio);
