import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import type { ParamsIn, ApiMethod } from "../../../electron/contract/StudioApi";
import type { StudioApiResults } from "../../../electron/contract/StudioApi";
import type { ApiError } from "../../../electron/contract/ApiError";
import { createStudioApi, type Studio, type StudioOptions } from "../../../electron/app/api/createStudioApi";
import { dispatch } from "../../../electron/app/api/dispatch";

/** A studio on a fresh temporary home, with every event it emits collected, and typed calls through dispatch. */
export function openStudio(options: Partial<StudioOptions> = {}) {
  const home = mkdtempSync(join(tmpdir(), "studio-api-"));
  const studio: Studio = createStudioApi({ home, door: "web", calibrate: false, chatThreads: 1, ...options });
  const events: StudioEvent[] = [];
  studio.events.subscribe((e) => events.push(e));
  const call = async <M extends ApiMethod>(method: M, params: ParamsIn<M>): Promise<StudioApiResults[M]> => {
    const r = await dispatch(studio.api, method, params);
    if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.code}: ${r.error.message}`), { apiError: r.error });
    return r.value as StudioApiResults[M];
  };
  const fail = async <M extends ApiMethod>(method: M, params: ParamsIn<M>): Promise<ApiError> => {
    const r = await dispatch(studio.api, method, params);
    if (r.ok) throw new Error(`${method} succeeded but was expected to fail`);
    return r.error;
  };
  /** Resolves with the first event (already seen or coming) that matches. */
  const waitFor = <E extends StudioEvent>(match: (e: StudioEvent) => e is E, timeoutMs = 120_000): Promise<E> =>
    new Promise((resolve, reject) => {
      const seen = events.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => (off(), reject(new Error("timed out waiting for an event"))), timeoutMs);
      const off = studio.events.subscribe((e) => {
        if (match(e)) (clearTimeout(timer), off(), resolve(e));
      });
    });
  const close = async () => {
    await studio.dispose();
    rmSync(home, { recursive: true, force: true });
  };
  return { studio, home, events, call, fail, waitFor, close };
}
