import type { StudioEvent, StudioEventName, StudioEvents } from "../../contract/StudioEvents";

type Listener = (event: StudioEvent) => void;

/**
 * Where the api publishes events and every door subscribes (each Electron window, each bridge WebSocket).
 * `throttled` keeps a source to at most one event per interval, always delivering the latest one.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Map<string, { event: StudioEvent; timer: NodeJS.Timeout }>();
  private readonly lastSent = new Map<string, number>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends StudioEventName>(event: E, payload: StudioEvents[E]): void {
    const e = { event, payload } as StudioEvent;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener (a closed socket) must not stop the others.
      }
    }
  }

  /** Emits at most every `intervalMs` per key (default 100 ms: <= 10 per second); the last payload always arrives. */
  throttled<E extends StudioEventName>(key: string, event: E, payload: StudioEvents[E], intervalMs = 100): void {
    const now = Date.now();
    const last = this.lastSent.get(key) ?? 0;
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.event = { event, payload } as StudioEvent;
      return;
    }
    if (now - last >= intervalMs) {
      this.lastSent.set(key, now);
      this.emit(event, payload);
      return;
    }
    const timer = setTimeout(() => {
      const p = this.pending.get(key)!;
      this.pending.delete(key);
      this.lastSent.set(key, Date.now());
      this.emit(p.event.event, p.event.payload as never);
    }, intervalMs - (now - last));
    timer.unref?.();
    this.pending.set(key, { event: { event, payload } as StudioEvent, timer });
  }

  /** Sends what a throttle holds back now (a run that ends must not lose its last progress). */
  flush(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(key);
    this.lastSent.set(key, Date.now());
    this.emit(p.event.event, p.event.payload as never);
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.listeners.clear();
  }
}
