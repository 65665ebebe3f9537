import { METHOD_NAMES, type ApiMethod, type StudioApi } from "../../../electron/contract/StudioApi";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import type { FileRef } from "../../../electron/contract/dto";
import { ApiCallError } from "./ApiCallError";
import { electronTransport } from "./electronTransport";
import { takeToken } from "./token";
import type { Transport } from "./Transport";
import { webTransport } from "./webTransport";

function makeTransport(): Transport {
  if (typeof window !== "undefined" && window.studio) return electronTransport(window.studio);
  return webTransport(takeToken());
}

export const transport: Transport = makeTransport();

/** The typed api: every method of the contract; a call returns the value or throws an ApiCallError. */
export const api = Object.fromEntries(
  METHOD_NAMES.map((method: ApiMethod) => [
    method,
    async (params: unknown) => {
      const r = await transport.call(method, params ?? {});
      if (r.ok) return r.value;
      throw new ApiCallError(method, r.error);
    },
  ]),
) as unknown as StudioApi;

export function onEvent(listener: (event: StudioEvent) => void): () => void {
  return transport.on(listener);
}

export function onConnection(listener: (connected: boolean) => void): () => void {
  return transport.onConnection(listener);
}

/** Web: uploads a dropped/picked browser File; Electron: uses the file's path (dropped files have one). */
export async function fileToRef(file: File): Promise<FileRef> {
  if (transport.upload) return transport.upload(file);
  const path = (await window.studio?.pathForFile?.(file)) || (file as File & { path?: string }).path;
  if (!path) throw new Error(`${file.name}: this window cannot read dropped files; use the Choose files button instead.`);
  return { path, name: file.name, bytes: file.size };
}

export { ApiCallError };
