/** metrics.jsonl as the run ended up: torn last line skipped, rows of replayed steps dropped (the later attempt's kept). */
import { describe, expect, it } from "vitest";
import { metricsEventsOf } from "../../../electron/app/store/readMetricsEvents";

const started = (from: number | null) => JSON.stringify({ type: "started", resumedFromStep: from, totalSteps: 6 });
const step = (n: number, loss: number) => JSON.stringify({ type: "step", step: n, loss });

describe("metricsEventsOf", () => {
  it("keeps each step once, from the attempt that produced the adapter", () => {
    const text = [started(null), step(1, 9), step(2, 8), step(3, 7), step(4, 6.9), started(2), step(3, 7.5), step(4, 6.5), step(5, 6), `{"type":"step","st`].join("\n");
    const steps = metricsEventsOf(text).filter((e) => e.type === "step");
    expect(steps.map((e) => e.type === "step" && [e.step, e.loss])).toEqual([[1, 9], [2, 8], [3, 7.5], [4, 6.5], [5, 6]]);
  });

  it("a restart from the beginning (no checkpoint) replaces every earlier step", () => {
    const text = [started(null), step(1, 9), step(2, 8), started(null), step(1, 8.8)].join("\n") + "\n";
    expect(metricsEventsOf(text).filter((e) => e.type === "step").map((e) => e.type === "step" && e.loss)).toEqual([8.8]);
  });
});
