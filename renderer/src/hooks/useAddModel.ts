import type { ModelInfo } from "../../../electron/contract/dto";
import { withFileName } from "../api/ApiCallError";
import { api } from "../api/client";
import { useAction } from "./useAction";

/**
 * Adds a model file by its path (a found or picked file), or an upload by its path and name: an upload's errors name
 * the user's file instead of the app's copy. `onAdded` gets the registered model.
 */
export function useAddModel(onAdded: (m: ModelInfo) => void) {
  return useAction(async (file: string | { path: string; name: string }) => {
    const path = typeof file === "string" ? file : file.path;
    try {
      onAdded(await api.addModel({ path }));
    } catch (e) {
      throw typeof file === "string" ? e : withFileName(e, file.path, file.name);
    }
  });
}
