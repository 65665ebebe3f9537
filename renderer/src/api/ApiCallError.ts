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

/**
 * The same error with a path the user never saw (an upload's copy in the app's folder) written as the file's own
 * name: "not a GGUF file: /home/…/uploads/3f2a-notes.txt" becomes "not a GGUF file: notes.txt".
 */
export function withFileName(e: unknown, path: string, name: string): unknown {
  if (!(e instanceof ApiCallError) || !e.error.message.includes(path)) return e;
  return new ApiCallError(e.method, { ...e.error, message: e.error.message.split(path).join(name) });
}

/** The text to show for anything a call threw. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiCallError) return e.error.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
