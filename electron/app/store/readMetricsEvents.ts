import { readFile } from "node:fs/promises";
import type { TrainingEvent } from "../../engine/training/trainingEvents";

export type MetricsEvent = TrainingEvent & { time?: string };

/**
 * The events of a run's metrics.jsonl as the run ended up: a torn line (a crash or a full disk mid-write) is
 * skipped, and the step and evaluation rows of steps an attempt replayed after resuming from an earlier
 * checkpoint are dropped, the later attempt's rows kept (an attempt begins at its "started" event and replays
 * from its resumedFromStep; restarted from the beginning, from 0).
 */
export async function readMetricsEvents(path: string): Promise<MetricsEvent[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return metricsEventsOf(text);
}

export function metricsEventsOf(text: string): MetricsEvent[] {
  const events: MetricsEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as MetricsEvent);
    } catch {
      // a line cut by a crash mid-write
    }
  }
  const kept: MetricsEvent[] = [];
  for (const e of events) {
    if (e.type === "started") {
      const from = e.resumedFromStep ?? 0;
      for (let i = kept.length - 1; i >= 0; i--) {
        const k = kept[i]!;
        if ((k.type === "step" || k.type === "eval" || k.type === "checkpoint") && k.step > from) kept.splice(i, 1);
      }
    }
    kept.push(e);
  }
  return kept;
}
