/** Reconnect delay after `attempt` failures: 0.5 s doubling to 10 s at most. */
export function backoffMs(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
}
