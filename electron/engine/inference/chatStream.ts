/**
 * Turns a callback-driven generation into an async generator of its chunks that returns the final result.
 * Leaving the loop early (break, throw) aborts the generation through the signal passed to `run`.
 */
export async function* chatStream<C, R>(run: (onChunk: (chunk: C) => void, signal: AbortSignal) => Promise<R>, outer?: AbortSignal): AsyncGenerator<C, R, void> {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  const queue: C[] = [];
  let wake: (() => void) | null = null;
  let settled = false;
  let result: { ok: true; value: R } | { ok: false; error: unknown } | undefined;
  const done = run((chunk) => {
    queue.push(chunk);
    wake?.();
  }, signal).then(
    (value) => (result = { ok: true, value }),
    (error: unknown) => (result = { ok: false, error }),
  ).finally(() => {
    settled = true;
    wake?.();
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (settled) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    if (!settled) {
      controller.abort(new Error("the chat stream was closed before the answer ended"));
      await done;
    }
  }
  if (!result!.ok) throw result!.error;
  return result!.value;
}
