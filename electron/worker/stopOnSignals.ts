import type { TrainerControl } from "../engine/training/TrainerControl";

/** Exit codes of a worker that stopped after saving a checkpoint, as shells report a signal (128 + its number). */
export const STOPPED_EXIT_CODE = { SIGINT: 130, SIGTERM: 143 } as const;

export type StopCause = "SIGINT" | "SIGTERM" | "parent-gone";

/**
 * Ctrl-C in a terminal reaches every process of its group, the worker included, before its parent can ask it for
 * a checkpoint; a service manager's SIGTERM too. So the worker handles them itself, in every host (Node fork,
 * Electron utilityProcess): the first signal asks the Trainer to stop at the end of the current step, which
 * saves a checkpoint (as a cancel does) before the job ends; a second one ends the process at once. Before the
 * job started there is nothing to save and the process ends at once. Returns what stopped it, read at the end.
 */
export function stopOnSignals(control: TrainerControl, isTraining: () => boolean, exit: (code: number) => void = (c) => process.exit(c)): { cause(): StopCause | null; stop(cause: StopCause): void } {
  let cause: StopCause | null = null;
  const stop = (why: StopCause) => {
    if (cause !== null && why !== "parent-gone") return exit(why === "SIGINT" ? STOPPED_EXIT_CODE.SIGINT : STOPPED_EXIT_CODE.SIGTERM);
    if (cause !== null) return;
    cause = why;
    if (!isTraining()) return exit(why === "SIGTERM" ? STOPPED_EXIT_CODE.SIGTERM : STOPPED_EXIT_CODE.SIGINT);
    control.request("cancel");
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return { cause: () => cause, stop };
}
