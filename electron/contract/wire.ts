import type { ApiError } from "./ApiError";
import type { ApiMethod } from "./schemas";
import type { StudioEvent } from "./StudioEvents";

/**
 * The web bridge's WebSocket frames (JSON text). The renderer sends calls, the bridge answers each by id and
 * pushes events. Over HTTP the same call is `POST /api/<method>` with the params as the body.
 */
export type ClientFrame = { type: "call"; id: number; method: ApiMethod; params: unknown };
export type ServerFrame =
  | { type: "result"; id: number; ok: true; value: unknown }
  | { type: "result"; id: number; ok: false; error: ApiError }
  | ({ type: "event" } & StudioEvent);

/** The IPC channel names in Electron: one invoke channel for calls, one for events. */
export const IPC_CALL_CHANNEL = "studio:call";
export const IPC_EVENT_CHANNEL = "studio:event";
/** Electron: the path of a file the user dropped on the window, so the app may read it (as a dialog's choice). */
export const IPC_DROPPED_FILE_CHANNEL = "studio:dropped-file";
/** Header, query parameter and cookie that carry the bridge's launch token. */
export const TOKEN_HEADER = "x-studio-token";
export const TOKEN_QUERY = "token";
export const TOKEN_COOKIE = "studio_token";
