import { useCallback, useEffect, useRef, useState } from "react";
import type { StudioEvents } from "../../../electron/contract/StudioEvents";
import { useStudioEvent } from "./useStudioEvent";

type Kind = StudioEvents["state.changed"]["kind"];

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

/** Fetches on mount and when `deps` change; refetches when the store says `kinds` changed (the store is the truth). */
export function useQuery<T>(fetcher: () => Promise<T>, deps: unknown[], kinds: Kind[] = []): Query<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const gen = useRef(0);
  const fetchRef = useRef(fetcher);
  fetchRef.current = fetcher;

  const reload = useCallback(() => {
    const my = ++gen.current;
    setLoading(true);
    fetchRef
      .current()
      .then((d) => {
        if (my !== gen.current) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (my === gen.current) setError(e);
      })
      .finally(() => {
        if (my === gen.current) setLoading(false);
      });
  }, []);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(reload, deps);
  useStudioEvent("state.changed", (p) => {
    if (kinds.includes(p.kind)) reload();
  });
  return { data, error, loading, reload, setData };
}
