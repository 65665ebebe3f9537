import { createContext, useContext } from "react";
import type { AppInfo, AppSettings, HardwareSummary } from "../../../electron/contract/dto";

export interface AppContextValue {
  info: AppInfo | null;
  settings: AppSettings;
  hardware: HardwareSummary | null;
  updateSettings: (patch: Partial<AppSettings>) => void;
  /** An in-app snackbar message. */
  notify: (message: string, severity?: "success" | "info" | "warning" | "error") => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useAppContext(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error("AppContext missing");
  return v;
}
