import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiResult } from "../contract/ApiError";
import { dispatch } from "../app/api/dispatch";
import type { Studio } from "../app/api/createStudioApi";
import { BodyTooLargeError, readBody } from "./readBody";
import { sendJson, sendTooLarge } from "./sendText";

/** `POST /api/<method>` with the params as a JSON body (empty = no params); answers the ApiResult as JSON. */
export async function handleApiCall(req: IncomingMessage, res: ServerResponse, studio: Studio, method: string, limit: number): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendTooLarge(res, error.message);
    throw error;
  }
  let params: unknown = undefined;
  if (body.length > 0) {
    try {
      params = JSON.parse(body.toString("utf8"));
    } catch (error) {
      const result: ApiResult<never> = { ok: false, error: { code: "invalid-input", message: `the body is not JSON: ${(error as Error).message}` } };
      return sendJson(res, 400, result);
    }
  }
  // Api errors are values with status 200: the status says whether the call was delivered, not how it went.
  sendJson(res, 200, await dispatch(studio.api, method, params));
}
