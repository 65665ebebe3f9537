/** Calls `fn` at most once per `ms` (the first call and then the latest after each gap); `flush` sends the last. */
export function throttle<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ms = 100): { call: (...args: A) => void; flush: () => void } {
  let last = 0;
  let pending: A | undefined;
  return {
    call: (...args: A) => {
      if (!fn) return;
      const now = Date.now();
      if (now - last >= ms) {
        last = now;
        pending = undefined;
        fn(...args);
      } else pending = args;
    },
    flush: () => {
      if (fn && pending) fn(...pending);
      pending = undefined;
    },
  };
}
