import type { AppInfo } from "../../contract/dto";
import type { Db } from "../store/openStore";
import type { EventHub } from "./EventHub";
import type { PathGrants } from "./PathGrants";

/** Native dialogs, where the door has them (Electron); the web bridge and the CLI have none. */
export interface Dialogs {
  pickFiles(purpose: "model" | "data" | "golden"): Promise<string[]>;
  pickFolder(purpose: "export"): Promise<string | null>;
}

/** What every part of the api shares: the store, the event hub, the granted paths, the home folder. */
export interface ApiContext {
  home: string;
  db: Db;
  events: EventHub;
  grants: PathGrants;
  door: AppInfo["door"];
  version: string;
  dialogs: Dialogs | null;
  /** Cleanups run by dispose() (workers, chat engines, downloads), last registered first. */
  onDispose(cleanup: () => Promise<void> | void): void;
}
