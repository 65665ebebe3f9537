/**
 * How the trainer window's end becomes the worker's death "with its cause" (relayTrainingProcess): Electron's
 * render-process-gone reasons in words that do not guess, "memory" only where Chromium says so (trainRun reads
 * /memory/ as an out-of-memory for the step-down).
 */
export function renderProcessGoneCause(details: { reason: string; exitCode?: number }): string {
  const code = details.exitCode !== undefined ? ` (exit code ${details.exitCode})` : "";
  switch (details.reason) {
    case "oom":
      return `the training window ran out of memory${code}`;
    case "crashed":
      return `the training window's process crashed${code}`;
    case "killed":
      return `the training window's process was killed${code}, by a user, another program or the system running out of memory`;
    case "launch-failed":
      return "the training window's process could not be started";
    case "integrity-failure":
      return "the training window's process failed Chromium's code integrity checks";
    case "memory-eviction":
      return `the training window was ended by the system to free memory${code}`;
    case "clean-exit":
      return "the training window's process ended before the run finished";
    default:
      return `the training window's process ended unexpectedly (${details.reason})${code}`;
  }
}

/** The trainer window stopped answering (a hung GPU driver, an endless kernel) and was closed. */
export function unresponsiveCause(seconds: number): string {
  return `the training window stopped responding for ${seconds} s and was closed`;
}

/** How long the trainer window may stay unresponsive before it is taken for dead. */
export const UNRESPONSIVE_LIMIT_S = 120;

/**
 * Electron's `unresponsive` fires after a few seconds of a busy renderer (a long GPU submit can do that); only
 * when it lasts `limitMs` without a `responsive` is the window taken for dead and `onHung` called.
 */
export function responsivenessWatch(limitMs: number, onHung: () => void, timers: { set: (f: () => void, ms: number) => unknown; clear: (t: unknown) => void } = { set: (f, ms) => setTimeout(f, ms), clear: (t) => clearTimeout(t as ReturnType<typeof setTimeout>) }): { unresponsive(): void; responsive(): void; stop(): void } {
  let timer: unknown = null;
  const clear = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };
  return {
    unresponsive() {
      if (timer === null) timer = timers.set(() => ((timer = null), onHung()), limitMs);
    },
    responsive: clear,
    stop: clear,
  };
}
