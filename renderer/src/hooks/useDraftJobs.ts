import type { DraftJobView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { latestJob, withJob } from "../drafting/draftJobs";
import { useQuery } from "./useQuery";
import { useStudioEvent } from "./useStudioEvent";

/**
 * The project's drafting jobs as the server stores them (nothing kept in the browser: a reload asks again), kept
 * current by drafting.progress events; `job` is the newest one, which the Data step shows.
 */
export function useDraftJobs(projectId: string) {
  const q = useQuery(() => api.listDraftJobs({ projectId }), [projectId], ["drafts"]);
  useStudioEvent("drafting.progress", (p) => {
    if (p.projectId === projectId) q.setData(withJob(q.data, p.job));
  });
  const put = (job: DraftJobView) => q.setData(withJob(q.data, job));
  return { ...q, job: latestJob(q.data), put };
}
