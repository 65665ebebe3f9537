/** Pause / resume / cancel requests for a running Trainer, set from messages and read between steps. */
export class TrainerControl {
  private current: "run" | "pause" | "cancel" = "run";
  private waiters: (() => void)[] = [];

  get requested(): "run" | "pause" | "cancel" {
    return this.current;
  }

  get cancelled(): boolean {
    return this.current === "cancel";
  }

  request(command: "run" | "pause" | "cancel"): void {
    if (this.current === "cancel") return; // cancelling is final
    this.current = command;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once the request is no longer `command`. */
  async whileRequested(command: "pause"): Promise<void> {
    while (this.current === command) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}
