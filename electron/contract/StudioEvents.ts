import type { DownloadProgress, DraftJobView, EvaluationView, MetricPoint, ProjectSummary, RunView } from "./dto";

/**
 * Events the main side pushes to every open window or tab (throttled to <= 10 per second per source).
 * `state.changed` tells other tabs to refetch what changed, so two windows never disagree for long.
 */
export interface StudioEvents {
  "training.progress": { runId: string; run: RunView; point: MetricPoint | null };
  "import.progress": { projectId: string; phase: "reading" | "checking" | "storing"; done: number; total: number | null; file: string | null };
  "chat.token": { requestId: string; side: "a" | "b"; text: string; done: boolean };
  "download.progress": DownloadProgress;
  "drafting.progress": { jobId: string; projectId: string; job: DraftJobView };
  "evaluation.progress": { runId: string; phase: string; done: number; total: number; evaluation: EvaluationView | null };
  "state.changed": { kind: "projects" | "models" | "datasets" | "runs" | "comparisons" | "settings" | "evaluations" | "drafts"; projectId: string | null; project?: ProjectSummary };
}

export type StudioEventName = keyof StudioEvents;
export const EVENT_NAMES = ["training.progress", "import.progress", "chat.token", "download.progress", "drafting.progress", "evaluation.progress", "state.changed"] as const satisfies readonly StudioEventName[];

export type StudioEvent = { [E in StudioEventName]: { event: E; payload: StudioEvents[E] } }[StudioEventName];
