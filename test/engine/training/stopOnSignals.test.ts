/** The worker's signal handling (every host runs it): first signal checkpoints and stops, a second ends at once. */
import { afterEach, describe, expect, it } from "vitest";
import { TrainerControl } from "../../../electron/engine/training/TrainerControl";
import { STOPPED_EXIT_CODE, stopOnSignals } from "../../../electron/worker/stopOnSignals";

const before = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
afterEach(() => {
  for (const sig of ["SIGINT", "SIGTERM"] as const) for (const l of process.listeners(sig)) if (!before[sig].includes(l)) process.off(sig, l);
});

describe("stopOnSignals", () => {
  it("while training: the first SIGTERM asks the Trainer to stop (it checkpoints), a second SIGINT exits at once", () => {
    const control = new TrainerControl();
    const exits: number[] = [];
    const s = stopOnSignals(control, () => true, (c) => exits.push(c));
    process.emit("SIGTERM");
    expect(control.cancelled).toBe(true);
    expect(s.cause()).toBe("SIGTERM");
    expect(exits).toEqual([]);
    process.emit("SIGINT");
    expect(exits).toEqual([STOPPED_EXIT_CODE.SIGINT]);
    expect(s.cause()).toBe("SIGTERM"); // what stopped the run
  });

  it("before the job started there is nothing to save: it exits at once; a parent gone mid-run stops it like a signal", () => {
    const exits: number[] = [];
    stopOnSignals(new TrainerControl(), () => false, (c) => exits.push(c));
    process.emit("SIGINT");
    expect(exits).toEqual([130]);
    afterEachCleanup();
    const control = new TrainerControl();
    const s = stopOnSignals(control, () => true, (c) => exits.push(c));
    s.stop("parent-gone");
    s.stop("parent-gone");
    expect(control.cancelled).toBe(true);
    expect(s.cause()).toBe("parent-gone");
    expect(exits).toEqual([130]);
  });
});

function afterEachCleanup(): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) for (const l of process.listeners(sig)) if (!before[sig].includes(l)) process.off(sig, l);
}
