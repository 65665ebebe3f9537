import type { DraftJobView } from "../../../electron/contract/dto";

/** The job the Data step shows: the newest one the project started (createdAt, then updatedAt). */
export function latestJob(jobs: readonly DraftJobView[] | undefined): DraftJobView | null {
  if (!jobs || jobs.length === 0) return null;
  return [...jobs].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.updatedAt.localeCompare(a.updatedAt))[0]!;
}

/** A job that still drafts, or can again: the Data step shows its progress and controls. */
export function isActive(job: DraftJobView): boolean {
  return job.status === "running" || job.status === "paused" || job.status === "interrupted";
}

/** How many pairs a reviewer has kept (accepted as drafted or edited). */
export function keptPairs(job: DraftJobView): number {
  return job.counts.accepted + job.counts.edited;
}

/** Share of the passages drafted, 0..100, for the progress bar; null while the total is unknown. */
export function progressPercent(job: DraftJobView): number | null {
  return job.passagesTotal > 0 ? Math.min(100, (100 * job.passagesDone) / job.passagesTotal) : null;
}

/** The jobs with `job` put in (a progress event's newer view replaces the stored one; a new job is added). */
export function withJob(jobs: readonly DraftJobView[] | undefined, job: DraftJobView): DraftJobView[] {
  const list = jobs ?? [];
  const i = list.findIndex((j) => j.id === job.id);
  if (i < 0) return [...list, job];
  // An event can overtake the answer of a call made before it: keep the newer view.
  if (list[i]!.updatedAt > job.updatedAt) return [...list];
  return list.map((j, k) => (k === i ? job : j));
}
