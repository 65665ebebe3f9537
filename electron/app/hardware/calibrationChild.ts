/**
 * Entry point of a calibration child process: `node --import tsx calibrationChild.ts '<options JSON>'` (CLI,
 * tests), or the bundle dist/electron/calibrationChild.mjs as an Electron utilityProcess with the same argument.
 * Runs runCalibrationSteps and prints its result as the last stdout line.
 */
import { runCalibrationSteps } from "./runCalibrationSteps";

// The options are the one JSON argument; found by its shape because a utilityProcess's argv may carry more.
const optionsJson = [...process.argv].reverse().find((a) => a.startsWith("{")) ?? "{}";
const result = await runCalibrationSteps(JSON.parse(optionsJson));
process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
