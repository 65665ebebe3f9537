import { useEffect, useRef } from "react";
import type { StudioEventName, StudioEvents } from "../../../electron/contract/StudioEvents";
import { onEvent } from "../api/client";

/** Calls `handler` for every event named `name` while mounted (the latest handler, without resubscribing). */
export function useStudioEvent<E extends StudioEventName>(name: E, handler: (payload: StudioEvents[E]) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(
    () =>
      onEvent((e) => {
        if (e.event === name) ref.current(e.payload as StudioEvents[E]);
      }),
    [name],
  );
}
