import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CalibrationOptions, CalibrationResult } from "./runCalibrationSteps";

const CHILD = fileURLToPath(new URL("./calibrationChild.ts", import.meta.url));

/**
 * How to start the child: from the TypeScript source through tsx (CLI, tests), or, in the Electron app, the
 * bundle scripts/buildElectron.mjs writes beside main.mjs (LORA_STUDIO_BUNDLE_DIR, set by electron/main), run by
 * the app's own binary as plain Node (ELECTRON_RUN_AS_NODE), since there process.execPath is the app itself.
 */
function childCommand(options: CalibrationOptions): { args: string[]; env: NodeJS.ProcessEnv } {
  const bundleDir = process.env.LORA_STUDIO_BUNDLE_DIR;
  if (bundleDir) return { args: [join(bundleDir, "calibrationChild.mjs"), JSON.stringify(options)], env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } };
  return { args: ["--import", "tsx", CHILD, JSON.stringify(options)], env: process.env };
}

export class CalibrationError extends Error {
  override name = "CalibrationError";
}

/**
 * Runs a calibration (a few real training steps) in a fresh Node process, so that its peak RSS is its own and its
 * wasm heap is given back. Rejects with the child's last stderr lines when it fails or passes timeoutMs.
 */
export function measureInChild(options: CalibrationOptions, timeoutMs = 300_000, signal?: AbortSignal): Promise<CalibrationResult> {
  return new Promise((resolve, reject) => {
    const { args, env } = childCommand(options);
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"], ...(signal ? { signal } : {}) });
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
