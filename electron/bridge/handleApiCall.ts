import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiResult } from "../contract/ApiError";
import type { Studio } from "../app/api/createStudioApi";
import { callApi } from "./callApi";
import { BodyTooLargeError, readBody } from "./readBody";
import { sendJson, sendTooLarge } from "./sendText";
import type { UploadStore } from "./UploadStore";

/**
 * `POST /api/<method>` with the params as a JSON body (empty = no params) and `Content-Type: application/json`;
 * answers the ApiResult as JSON. Note: the content type is required because a page elsewhere can send a
 * text/plain or form body without asking, but not a JSON one.
 */
export async function handleApiCall(req: IncomingMessage, res: ServerResponse, studio: Studio, uploads: UploadStore, method: string, limit: number): Promise<void> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    res.shouldKeepAlive = false;
    const result: ApiResult<never> = { ok: false, error: { code: "invalid-input", message: `api calls need Content-Type: application/json (got ${JSON.stringify(type || "none")})` } };
    return sendJson(res, 415, result);
  }
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
  sendJson(res, 200, await callApi(studio, uploads, method, params));
}
