import type { RunView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useQuery } from "./useQuery";

/** The project's runs, newest first, and the newest finished one (what Compare and Export work on). */
export function useRuns(projectId: string) {
  const q = useQuery(() => api.listRuns({ projectId }), [projectId], ["runs"]);
  const runs: RunView[] = [...(q.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const finished = runs.find((r) => r.status === "finished") ?? null;
  return { ...q, runs, finished };
}
