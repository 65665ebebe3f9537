import { utilityProcess } from "electron";
import { join } from "node:path";
import type { CalibrationSpawner } from "../app/hardware/calibrationSpawner";

/**
 * The Electron app's calibration host: the bundle dist/electron/calibrationChild.mjs (scripts/buildElectron.mjs)
 * as a utilityProcess, like training. Note: the app's binary is never run as plain Node (the RunAsNode fuse is
 * off in electron-builder.yml); a utilityProcess is Electron's own Node child, with its own heap and peak RSS.
 */
export function utilityCalibrationSpawner(bundleDir: string): CalibrationSpawner {
  const script = join(bundleDir, "calibrationChild.mjs");
  return (optionsJson) => {
    const child = utilityProcess.fork(script, [optionsJson], { serviceName: "LoRA Studio calibration", stdio: "pipe" });
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      kill: () => void child.kill(),
      // utilityProcess reports only an exit code; a crash or kill shows as a non-zero code.
      onExit: (handler) => void child.once("exit", (code: number) => handler(code, null)),
      // A utilityProcess that cannot start ends with an exit code, which onExit reports.
      onError: () => {},
    };
  };
}
