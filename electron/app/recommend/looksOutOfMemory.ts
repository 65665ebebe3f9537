import type { TrainingProcessResult } from "../training/forkTrainingWorker";

/**
 * Whether a training process ended the way running out of memory ends: killed with SIGKILL (the OS's OOM killer),
 * exit code 134/137, or an error that says so. On wasm the 4 GB heap cap shows as "memory access out of bounds"
 * (TFJS.md, Memory), not as a clean out-of-memory error. The step-down (stepDown) retries only these.
 */
export function looksOutOfMemory(result: TrainingProcessResult): boolean {
  switch (result.status) {
    case "finished":
      return false;
    case "died":
      return result.signal === "SIGKILL" || result.exitCode === 134 || result.exitCode === 137;
    case "failed":
      return /out of memory|memory access out of bounds|array buffer allocation failed|cannot allocate|allocation failed|OOM/i.test(`${result.error.code} ${result.error.message}`);
    default:
      return result satisfies never;
  }
}
