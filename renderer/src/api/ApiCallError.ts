import type { ApiError } from "../../../electron/contract/ApiError";

/** Thrown by `api.*` when the app answered with an error value; `error.message` says what to do. */
export class ApiCallError extends Error {
  override name = "ApiCallError";
  constructor(
    readonly method: string,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
  get code() {
    return this.error.code;
  }
}

/** The text to show for anything a call threw. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiCallError) return e.error.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
