import { useEffect, useRef } from "react";
import type { DraftJobView, DraftStatus, DraftView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useQuery } from "./useQuery";

/**
 * One page of a job's drafts (optionally of one review status), read from the server; read again when the job
 * drafts more passages or a review changes (this window or another, "accept all that pass").
 */
export function useDrafts(job: DraftJobView, status: DraftStatus | null, page: number, size: number) {
  const q = useQuery(
    () => api.listDrafts({ jobId: job.id, limit: size, offset: page * size, ...(status ? { status } : {}) }),
    [job.id, status, page, size],
    ["drafts"],
  );
  // Reviews come back as state.changed "drafts" (read again by useQuery); new drafts as the job's progress.
  const seen = useRef(`${job.passagesDone}/${job.counts.total}`);
  useEffect(() => {
    const now = `${job.passagesDone}/${job.counts.total}`;
    if (now !== seen.current) {
      seen.current = now;
      q.reload();
    }
  }, [job.passagesDone, job.counts.total, q.reload]);
  /** A reviewed draft replaces its row at once (the page is read again with the job's new counts). */
  const put = (d: DraftView) => q.data && q.setData({ ...q.data, drafts: q.data.drafts.map((x) => (x.id === d.id ? d : x)) });
  return { ...q, put };
}
