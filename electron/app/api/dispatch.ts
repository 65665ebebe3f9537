import { z } from "zod";
import { StudioApiError, type ApiError, type ApiResult } from "../../contract/ApiError";
import { PARAMS, type ApiMethod, type StudioApiImpl } from "../../contract/StudioApi";
import { NotFoundError, StoreError } from "../store/StoreError";
import { TrainInputError } from "../training/TrainInputError";

/**
 * The one gate of every door (IPC router, web bridge, CLI): checks the method name, validates the params with
 * the contract's schema, runs the api, and turns whatever it throws into an ApiError value.
 */
export async function dispatch(api: StudioApiImpl, method: string, params: unknown): Promise<ApiResult<unknown>> {
  if (!Object.hasOwn(PARAMS, method)) {
    return { ok: false, error: { code: "not-found", message: `there is no api method "${method}"; the methods are listed in electron/contract/schemas.ts` } };
  }
  const m = method as ApiMethod;
  const parsed = PARAMS[m].safeParse(params ?? {});
  if (!parsed.success) return { ok: false, error: invalidInput(m, parsed.error) };
  try {
    const value = await (api[m] as (p: unknown) => Promise<unknown>)(parsed.data);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}

export function invalidInput(method: string, error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  return { code: "invalid-input", message: `${method}: ${text}`, details: { issues } };
}

/**
 * Maps the app's error classes onto contract codes. What reaches a client is the code, the message and safe
 * details only: an unknown error is "internal" with its name, never its stack (it would show the app's source
 * paths); the stack goes to the log.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof StudioApiError) return error.toApiError();
  if (error instanceof NotFoundError) return { code: "not-found", message: error.message };
  if (error instanceof TrainInputError) return { code: "invalid-input", message: error.message };
  if (error instanceof StoreError) return { code: "failed", message: error.message };
  if (error instanceof z.ZodError) return invalidInput("input", error);
  if (error instanceof Error) {
    if (error.name === "AbortError") return { code: "cancelled", message: error.message || "cancelled" };
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { code: "not-found", message: error.message };
    if (code === "ENOSPC") return { code: "failed", message: `${withoutSourcePaths(error.message)}: the disk is full; free some space and try again` };
    if (code === "ENAMETOOLONG") return { code: "invalid-input", message: `${withoutSourcePaths(error.message)}: a file name or path is too long; use a shorter one` };
    if (code === "EACCES" || code === "EPERM") return { code: "failed", message: `${withoutSourcePaths(error.message)}: permission denied; check the folder's permissions` };
    // Node's own checks of a path argument (a NUL byte, a wrong type) are bad input, not a bug.
    if (code === "ERR_INVALID_ARG_VALUE" || code === "ERR_INVALID_ARG_TYPE") return { code: "invalid-input", message: withoutSourcePaths(error.message) };
    logInternal(error);
    return { code: "internal", message: withoutSourcePaths(error.message) || "unexpected error", details: { name: error.name } };
  }
  logInternal(error);
  return { code: "internal", message: "unexpected error" };
}

/** A message without the app's own file paths (a stack line or a module path quoted in it): its first line only. */
export function withoutSourcePaths(message: string): string {
  return (message.split("\n")[0] ?? "")
    .replace(/(?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^\s()'"]*\.[cm]?[jt]sx?(?::\d+){0,2}(?![\w.])/g, "<app>");
}

function logInternal(error: unknown): void {
  console.error("lora-studio: unexpected error in an api call:", error);
}
