import { dialog, type BrowserWindow, type OpenDialogOptions } from "electron";
import type { Dialogs } from "../app/api/ApiContext";

const FILTERS: Record<"model" | "data" | "golden", OpenDialogOptions["filters"]> = {
  model: [{ name: "GGUF models", extensions: ["gguf"] }],
  data: [
    { name: "Examples and documents", extensions: ["jsonl", "json", "csv", "xlsx", "txt", "md", "pdf", "docx"] },
    { name: "All files", extensions: ["*"] },
  ],
  golden: [{ name: "Questions", extensions: ["jsonl", "json", "csv", "txt"] }],
};

/** Native file and folder dialogs for the api (the paths chosen become readable through PathGrants). */
export function electronDialogs(window: () => BrowserWindow | null): Dialogs {
  const show = (options: OpenDialogOptions) => {
    const w = window();
    return w ? dialog.showOpenDialog(w, options) : dialog.showOpenDialog(options);
  };
  return {
    async pickFiles(purpose) {
      const multi = purpose !== "model";
      const r = await show({ title: purpose === "model" ? "Choose a model" : "Choose files", filters: FILTERS[purpose], properties: multi ? ["openFile", "multiSelections"] : ["openFile"] });
      return r.canceled ? [] : r.filePaths;
    },
    async pickFolder() {
      const r = await show({ title: "Choose a folder for the export", properties: ["openDirectory", "createDirectory"] });
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
    },
  };
}
