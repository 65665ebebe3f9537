import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A running calibration child as measureInChild sees it: its output, its end, and a way to stop it. */
export interface CalibrationChild {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  kill(): void;
  /** Called once when the child has ended (code null and a signal name when a signal stopped it). */
  onExit(handler: (code: number | null, signal: string | null) => void): void;
  /** Called when the child could not be started at all. */
  onError(handler: (error: Error) => void): void;
}

/** Starts calibrationChild with the options (JSON) as its one argument. */
export type CalibrationSpawner = (optionsJson: string) => CalibrationChild;

const CHILD_SOURCE = fileURLToPath(new URL("./calibrationChild.ts", import.meta.url));

/**
 * The CLI's and the tests' host: a plain Node process running the TypeScript source through tsx. Note: in the
 * Electron app process.execPath is the app itself, which the RunAsNode fuse forbids to run as Node; there
 * electron/main injects a utilityProcess host instead (useCalibrationSpawner), as for training.
 */
export const nodeCalibrationSpawner: CalibrationSpawner = (optionsJson) => {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD_SOURCE, optionsJson], { stdio: ["ignore", "pipe", "pipe"] });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    kill: () => void child.kill("SIGKILL"),
    onExit: (handler) => void child.once("close", (code, signal) => handler(code, signal)),
    onError: (handler) => void child.once("error", handler),
  };
};

let current: CalibrationSpawner = nodeCalibrationSpawner;

/** Sets how calibration children start in this process (electron/main: a utilityProcess); returns the previous one. */
export function useCalibrationSpawner(spawner: CalibrationSpawner): CalibrationSpawner {
  const previous = current;
  current = spawner;
  return previous;
}

export function calibrationSpawner(): CalibrationSpawner {
  return current;
}
