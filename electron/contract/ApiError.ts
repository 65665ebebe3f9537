/**
 * Errors cross every door (IPC, web bridge, CLI) as values, never as thrown objects: Electron keeps only the
 * message of a thrown error, and a browser cannot see a Node stack. `message` says what was wrong and what to do.
 */
export const API_ERROR_CODES = [
  /** A parameter failed validation; details names the field. */
  "invalid-input",
  /** The project, run, model... does not exist (any more). */
  "not-found",
  /** The action conflicts with the current state (a run already training, a name taken). */
  "conflict",
  /** A path outside the folders the user chose, or a request the bridge refuses. */
  "forbidden",
  /** Something needed is missing here (no network for a download, no Electron dialog in a browser). */
  "unavailable",
  /** The operation ran and failed (a corrupt file, a full disk); message says why. */
  "failed",
  /** The user or a newer request cancelled it. */
  "cancelled",
  /** A bug: message says what happened; details has the error's name only (the stack goes to the log). */
  "internal",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiError {
  code: ApiErrorCode;
  message: string;
  details?: unknown;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function isApiError(value: unknown): value is ApiError {
  return typeof value === "object" && value !== null && typeof (value as ApiError).code === "string" && (API_ERROR_CODES as readonly string[]).includes((value as ApiError).code) && typeof (value as ApiError).message === "string";
}

/** Thrown by api implementations to choose the code; doors turn it (and any other error) into an ApiError. */
export class StudioApiError extends Error {
  override name = "StudioApiError";
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  toApiError(): ApiError {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}
