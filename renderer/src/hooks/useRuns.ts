import { useCallback, useState } from "react";
import type { RunView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useQuery } from "./useQuery";

const chosenKey = (projectId: string) => `loraStudio.chosenRun.${projectId}`;

/**
 * The project's runs, newest first, and the finished run that Compare, Evaluate and Export work on: the one the
 * user picked (kept per project across reloads), else the newest finished one.
 */
export function useRuns(projectId: string) {
  const q = useQuery(() => api.listRuns({ projectId }), [projectId], ["runs"]);
  const runs: RunView[] = [...(q.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const finishedRuns = runs.filter((r) => r.status === "finished");
  const [chosenId, setChosenId] = useState<string | null>(() => {
    try {
      return localStorage.getItem(chosenKey(projectId));
    } catch {
      return null;
    }
  });
  const choose = useCallback(
    (id: string) => {
      try {
        localStorage.setItem(chosenKey(projectId), id);
      } catch {
        // Storage off: the choice lasts until the page reloads.
      }
      setChosenId(id);
    },
    [projectId],
  );
  const finished = finishedRuns.find((r) => r.id === chosenId) ?? finishedRuns[0] ?? null;
  return { ...q, runs, finishedRuns, finished, choose };
}

/** Runs numbered from the first one the project trained: "Run 3" stays run 3 whatever comes after. */
export function runNumber(runs: readonly RunView[], id: string): number {
  return [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).findIndex((r) => r.id === id) + 1;
}
