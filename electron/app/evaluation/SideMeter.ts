import type { SideEfficiency } from "./EvalReport";

/**
 * Efficiency of one side's answers: latency per answer, generated tokens per second over all answers, and the
 * process's peak resident memory seen while that side answered. Note: RSS is of the whole process, sampled after
 * each answer; the tuned side runs after the base side, so its figure includes the adapter and its context.
 */
export class SideMeter {
  private answers = 0;
  private ms = 0;
  private tokens = 0;
  private peakRss = 0;

  record(ms: number, tokens: number): void {
    this.answers++;
    this.ms += ms;
    this.tokens += tokens;
    this.sampleRss();
  }

  sampleRss(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
  }

  result(): SideEfficiency {
    return {
      answers: this.answers,
      meanLatencyMs: this.answers ? this.ms / this.answers : null,
      tokensPerSecond: this.ms > 0 ? (this.tokens * 1000) / this.ms : null,
      peakRssMb: this.peakRss / 2 ** 20,
    };
  }
}
