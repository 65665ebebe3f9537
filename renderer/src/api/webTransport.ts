import type { ApiResult } from "../../../electron/contract/ApiError";
import type { StudioEvent } from "../../../electron/contract/StudioEvents";
import { TOKEN_HEADER, TOKEN_QUERY, type ClientFrame, type ServerFrame } from "../../../electron/contract/wire";
import { backoffMs } from "./backoff";
import type { Transport } from "./Transport";

const LOST_MESSAGE = "The connection to LoRA Studio was lost before this finished. Check whether it happened (the page refreshes when the connection is back) and try again if not.";

const REFETCH_KINDS = ["projects", "models", "datasets", "runs", "comparisons", "settings", "evaluations"] as const;

type Pending = { resolve: (r: ApiResult<unknown>) => void; frame: ClientFrame; sent: boolean };

/** The web bridge: one WebSocket for calls and events, reconnecting with backoff; calls made while it is down wait. */
export function webTransport(token: string | null): Transport {
  const listeners = new Set<(e: StudioEvent) => void>();
  const connListeners = new Set<(c: boolean) => void>();
  const pending = new Map<number, Pending>();
  const queue: ClientFrame[] = [];
  let nextId = 1;
  let ws: WebSocket | null = null;
  let connected = false;
  let attempt = 0;
  let everConnected = false;

  const setConnected = (c: boolean) => {
    connected = c;
    for (const l of connListeners) l(c);
  };

  const send = (frame: ClientFrame) => {
    const p = pending.get(frame.id);
    if (ws && connected) {
      ws.send(JSON.stringify(frame));
      if (p) p.sent = true;
    } else queue.push(frame);
  };

  const connect = () => {
    const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${proto}//${window.location.host}/ws${token ? `?${TOKEN_QUERY}=${encodeURIComponent(token)}` : ""}`;
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      const again = everConnected;
      everConnected = true;
      setConnected(true);
      // Events sent while we were away are lost: tell every view to refetch from the store.
      if (again) for (const kind of REFETCH_KINDS) for (const l of listeners) l({ event: "state.changed", payload: { kind, projectId: null } });
      for (const f of queue.splice(0)) send(f);
    };
    socket.onmessage = (msg) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(msg.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === "result") {
        const p = pending.get(frame.id);
        if (!p) return;
        pending.delete(frame.id);
        p.resolve(frame.ok ? { ok: true, value: frame.value } : { ok: false, error: frame.error });
      } else if (frame.type === "event") {
        const event = { event: frame.event, payload: frame.payload } as StudioEvent;
        for (const l of listeners) l(event);
      }
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      // Note: a call already sent may or may not have run (createProject, startRun): fail it rather than send it
      // twice; the user sees the message and the store (refetched on reconnect) shows what happened.
      for (const [id, p] of pending) {
        if (!p.sent) continue;
        pending.delete(id);
        p.resolve({ ok: false, error: { code: "unavailable", message: LOST_MESSAGE } });
      }
      if (connected) setConnected(false);
      else for (const l of connListeners) l(false);
      setTimeout(connect, backoffMs(attempt++));
    };
    socket.onerror = () => socket.close();
  };
  connect();

  return {
    kind: "web",
    call(method, params) {
      return new Promise((resolve) => {
        const frame: ClientFrame = { type: "call", id: nextId++, method, params };
        pending.set(frame.id, { resolve, frame, sent: false });
        send(frame);
      });
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connListeners.add(listener);
      listener(connected);
      return () => connListeners.delete(listener);
    },
    async upload(file) {
      const res = await fetch(`/upload?name=${encodeURIComponent(file.name)}`, {
        method: "POST",
        headers: token ? { [TOKEN_HEADER]: token } : {},
        body: file,
      });
      const body = (await res.json().catch(() => null)) as unknown;
      if (!res.ok) {
        const err = body && typeof body === "object" && "error" in body ? (body as { error: { message?: string } }).error : (body as { message?: string } | null);
        throw new Error(err?.message ?? `upload failed (${res.status})`);
      }
      const ref = body && typeof body === "object" && "value" in body ? (body as { value: unknown }).value : body;
      return ref as { path: string; name: string; bytes: number };
    },
  };
}
