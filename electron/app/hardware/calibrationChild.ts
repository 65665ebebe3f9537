/**
 * Entry point of a calibration child process: `node --import tsx calibrationChild.ts '<options JSON>'` runs
 * runCalibrationSteps and prints its result as the last stdout line.
 */
import { runCalibrationSteps } from "./runCalibrationSteps";

const result = await runCalibrationSteps(JSON.parse(process.argv[2] ?? "{}"));
process.stdout.write(JSON.stringify(result) + "\n");
