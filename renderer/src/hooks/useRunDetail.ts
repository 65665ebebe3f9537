import { useEffect, useRef, useState } from "react";
import type { RunDetail, RunView } from "../../../electron/contract/dto";
import { api } from "../api/client";
import { useStudioEvent } from "./useStudioEvent";

/** A run: getRun on load, then training.progress events (new points appended, the view replaced). */
export function useRunDetail(runId: string | null) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const current = useRef(runId);
  current.current = runId;
  /** When the last refetch for missed points went out (progress events are throttled, so a fast run skips steps). */
  const lastFill = useRef(0);

  const reload = () => {
    if (!runId) {
      setRun(null);
      return;
    }
    setLoading(true);
    api
      .getRun({ runId })
      .then((r) => {
        if (current.current === runId) {
          setRun(r);
          setError(null);
        }
      }, setError)
      .finally(() => setLoading(false));
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(reload, [runId]);

  useStudioEvent("training.progress", (p) => {
    if (p.runId !== current.current) return;
    const known = run?.metrics ?? [];
    const gap = p.point && known.length > 0 && p.point.step > known[known.length - 1]!.step + 1;
    if (gap && Date.now() - lastFill.current > 2000) {
      lastFill.current = Date.now();
      reload(); // the events skipped steps: read every stored point once more
    }
    setRun((r) => {
      const metrics = r?.metrics ?? [];
      const next = p.point && !metrics.some((m) => m.step === p.point!.step) ? [...metrics, p.point] : p.point ? metrics.map((m) => (m.step === p.point!.step ? p.point! : m)) : metrics;
      return { ...p.run, metrics: next };
    });
  });
  useStudioEvent("state.changed", (p) => {
    if (p.kind === "runs" && (p.projectId === null || p.projectId === run?.projectId)) reload();
  });
  const setView = (v: RunView) => setRun((r) => ({ ...v, metrics: r?.metrics ?? [] }));
  return { run, error, loading, reload, setView };
}
