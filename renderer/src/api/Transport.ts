import type { ApiResult } from "../../../electron/contract/ApiError";
import type { ApiMethod } from "../../../electron/contract/StudioApi";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";

/** One way of reaching the app: the Electron preload or the web bridge's WebSocket. */
export interface Transport {
  kind: "electron" | "web";
  call(method: ApiMethod, params: unknown): Promise<ApiResult<unknown>>;
  on(listener: (event: StudioEvent) => void): () => void;
  /** Connection state changes (always connected in Electron). */
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Web only: uploads a browser File and returns the FileRef the api accepts. */
  upload?(file: File): Promise<{ path: string; name: string; bytes: number }>;
}

export interface StudioPreload {
  call(method: ApiMethod, params: unknown): Promise<ApiResult<unknown>>;
  on(listener: (event: StudioEvent) => void): () => void;
  /** Optional: the path of a dropped File (Electron's webUtils.getPathForFile; File.path is gone since Electron 32). */
  pathForFile?(file: File): Promise<string | null>;
}

declare global {
  interface Window {
    studio?: StudioPreload;
  }
}
