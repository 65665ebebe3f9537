import type { ApiResult } from "../contract/ApiError";
import type { ApiMethod } from "../contract/StudioApi";
import type { StudioEvent } from "../contract/StudioEvents";

/**
 * What the preload exposes as `window.studio`; the same shape as the renderer's StudioPreload
 * (renderer/src/api/Transport.ts), which cannot import from here (the renderer sees only electron/contract).
 */
export interface StudioPreloadApi {
  call(method: ApiMethod, params: unknown): Promise<ApiResult<unknown>>;
  /** Subscribes to every StudioEvent; returns the unsubscribe function. */
  on(listener: (event: StudioEvent) => void): () => void;
  /**
   * The path of a file dropped on the window (Electron 32+ gives File objects no path), granted to the app like a
   * dialog's choice; null for files not from the disk. Rejects, with the reason, for a folder, a drive's root,
   * the home folder or a path that is not a file.
   */
  pathForFile(file: File): Promise<string | null>;
}
