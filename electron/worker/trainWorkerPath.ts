import { join } from "node:path";

/**
 * Where the Electron app finds the training worker. Note: the app runs from the esbuild bundles in
 * dist/electron (scripts/buildElectron.mjs writes main.mjs, preload.cjs and trainWorker.mjs side by side), so
 * the worker is the bundle beside the main bundle, in development and packaged alike; packaged, it sits inside
 * app.asar, which a utilityProcess reads directly. The CLI and the tests instead fork the TypeScript source
 * through tsx (forkTrainingWorker), where no build step exists.
 */
export function trainWorkerPath(mainBundleDir: string): string {
  return join(mainBundleDir, "trainWorker.mjs");
}
