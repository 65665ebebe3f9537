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
}
