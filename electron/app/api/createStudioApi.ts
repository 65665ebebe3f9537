import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AppInfo } from "../../contract/dto";
import type { StudioApiImpl } from "../../contract/StudioApi";
import { markInterruptedEvaluations } from "../store/evaluationRows";
import { markInterruptedRuns } from "../store/markInterruptedRuns";
import { markInterruptedDraftJobs } from "../store/draftJobs";
import { openStore } from "../store/openStore";
import { storePath } from "../store/resolveHome";
import type { ApiContext, Dialogs } from "./ApiContext";
import { appApi } from "./appApi";
import { chatApi, type ChatOptions } from "./chatApi";
import { dataApi } from "./dataApi";
import { draftingApi, type DraftingOptions } from "./draftingApi";
import { evaluationApi } from "./evaluationApi";
import { exportApi } from "./exportApi";
import { modelsApi, type ModelsOptions } from "./modelsApi";
import { EventHub } from "./EventHub";
import { PathGrants } from "./PathGrants";
import { projectsApi } from "./projectsApi";
import { runsApi, type RunsOptions } from "./runsApi";
import packageJson from "../../../package.json" with { type: "json" };

export interface StudioOptions extends ModelsOptions, RunsOptions, ChatOptions, DraftingOptions {
  /** The data folder (store, uploads, runs, exports). */
  home: string;
  door: AppInfo["door"];
  dialogs?: Dialogs | null;
  /** Folders the user allowed up front (`lora-studio web --allow DIR`). */
  allow?: string[];
}

export interface Studio {
  api: StudioApiImpl;
  events: EventHub;
  grants: PathGrants;
  home: string;
  /** Stops workers and engines (training checkpoints first), closes the store. */
  dispose(): Promise<void>;
}

/**
 * The one object behind every door. Opens the store, marks runs whose worker died with the last session as
 * interrupted, and composes the api from its parts (one file per area).
 */
export function createStudioApi(options: StudioOptions): Studio {
  const home = options.home;
  for (const dir of ["uploads", "models", "runs", "exports"]) mkdirSync(join(home, dir), { recursive: true });
  const db = openStore(storePath(home));
  markInterruptedRuns(db);
  markInterruptedEvaluations(db);
  markInterruptedDraftJobs(db);
  const events = new EventHub();
  const grants = new PathGrants([home, ...(options.allow ?? [])]);
  const cleanups: (() => Promise<void> | void)[] = [];
  const ctx: ApiContext = {
    home,
    db,
    events,
    grants,
    door: options.door,
    version: packageJson.version,
    dialogs: options.dialogs ?? null,
    onDispose: (c) => void cleanups.push(c),
  };
  // A method missing from any part fails the type check here (StudioApiImpl lists every method of the contract).
  const api: StudioApiImpl = {
    ...appApi(ctx),
    ...projectsApi(ctx),
    ...modelsApi(ctx, options),
    ...dataApi(ctx),
    ...draftingApi(ctx, options),
    ...runsApi(ctx, options),
    ...chatApi(ctx, options),
    ...exportApi(ctx),
    ...evaluationApi(ctx),
  };
  let disposed = false;
  return {
    api,
    events,
    grants,
    home,
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const c of cleanups.reverse()) await c();
      events.dispose();
      db.close();
    },
  };
}
