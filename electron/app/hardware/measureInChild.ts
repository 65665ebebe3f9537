import { calibrationSpawner } from "./calibrationSpawner";
import type { CalibrationOptions, CalibrationResult } from "./runCalibrationSteps";

export class CalibrationError extends Error {
  override name = "CalibrationError";
}

/**
 * Runs a calibration (a few real training steps) in a fresh process, so that its peak RSS is its own and its
 * wasm heap is given back: a Node child (CLI, tests) or, in the Electron app, a utilityProcess (calibrationSpawner).
 * Rejects with the child's last stderr lines when it fails or passes timeoutMs.
 */
export function measureInChild(options: CalibrationOptions, timeoutMs = 300_000, signal?: AbortSignal): Promise<CalibrationResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = calibrationSpawner()(JSON.stringify(options));
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => ((timedOut = true), child.kill()), timeoutMs);
    const onAbort = () => child.kill();
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => (clearTimeout(timer), signal?.removeEventListener("abort", onAbort));
    child.onError((e) => {
      done();
      reject(new CalibrationError(`calibration of ${options.modelPath} could not start: ${e.message}`));
    });
    child.onExit((code, sig) => {
      done();
      if (signal?.aborted) return reject(signal.reason);
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && line.startsWith("{")) return resolve(JSON.parse(line) as CalibrationResult);
      const why = timedOut
        ? `ran past ${timeoutMs / 1000} s and was stopped`
        : sig
          ? `was stopped by ${sig}${sig === "SIGKILL" ? " (out of memory?)" : ""}`
          : `exited with code ${code}`;
      reject(new CalibrationError(`calibration of ${options.modelPath} (seq ${options.seqLen}, batch ${options.batchSize}) ${why}: ${stderr.trim().split("\n").slice(-3).join(" | ")}; try a smaller sequence length or batch`));
    });
  });
}
