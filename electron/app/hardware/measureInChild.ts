import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CalibrationOptions, CalibrationResult } from "./runCalibrationSteps";

const CHILD = fileURLToPath(new URL("./calibrationChild.ts", import.meta.url));

export class CalibrationError extends Error {
  override name = "CalibrationError";
}

/**
 * Runs a calibration (a few real training steps) in a fresh Node process, so that its peak RSS is its own and its
 * wasm heap is given back. Rejects with the child's last stderr lines when it fails or passes timeoutMs.
 */
export function measureInChild(options: CalibrationOptions, timeoutMs = 300_000, signal?: AbortSignal): Promise<CalibrationResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(options)], { stdio: ["ignore", "pipe", "pipe"], ...(signal ? { signal } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new CalibrationError(`calibration of ${options.modelPath} could not start: ${e.message}`));
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && line.startsWith("{")) return resolve(JSON.parse(line) as CalibrationResult);
      const why = sig ? `was stopped by ${sig}${sig === "SIGKILL" ? ` (out of memory, or past ${timeoutMs / 1000} s)` : ""}` : `exited with code ${code}`;
      reject(new CalibrationError(`calibration of ${options.modelPath} (seq ${options.seqLen}, batch ${options.batchSize}) ${why}: ${stderr.trim().split("\n").slice(-3).join(" | ")}; try a smaller sequence length or batch`));
    });
  });
}
