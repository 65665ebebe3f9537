import type { ApiResult } from "../contract/ApiError";
import type { Studio } from "../app/api/createStudioApi";
import { dispatch } from "../app/api/dispatch";
import type { UploadStore } from "./UploadStore";

/**
 * The bridge's call of the api (HTTP and WebSocket alike): dispatch, then the bridge's own bookkeeping. An
 * upload that was imported (a dataset, golden questions) is in the store now, so its file and grant go.
 */
export async function callApi(studio: Studio, uploads: UploadStore, method: string, params: unknown): Promise<ApiResult<unknown>> {
  const result = await dispatch(studio.api, method, params);
  if (result.ok && (method === "importDataset" || method === "importGoldenQuestions")) {
    const p = params as { paths?: unknown; path?: unknown };
    const paths = [...(Array.isArray(p.paths) ? p.paths : []), p.path].filter((x): x is string => typeof x === "string");
    await uploads.release(paths).catch((error: unknown) => console.error("lora-studio: could not remove imported uploads:", error));
  }
  return result;
}
