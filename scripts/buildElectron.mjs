#!/usr/bin/env node
// Builds the Electron side to JavaScript: dist/electron/main.mjs (the main process), preload.cjs (the window's
// preload), trainWorker.mjs (the training utilityProcess), calibrationChild.mjs (the calibration utilityProcess),
// and the hidden WebGPU trainer window's page webgpuTrainer/{index.html,trainer.js} with its preload
// trainerPreload.cjs (scripts/trainerPageBuild.mjs). The renderer is built by scripts/buildRenderer.mjs.
//
// Notes on the choices:
// - Packages stay external (`packages: "external"`): node_modules ship with the app anyway, and several
//   dependencies find their own files next to their code (better-sqlite3's and node-llama-cpp's binaries, tfjs's
//   .wasm, pdfkit's font metrics, pdfjs's worker), which bundling would break.
// - main and the worker are ES modules (the sources use top-level await and import.meta); the preload is
//   CommonJS because a sandboxed preload cannot be an ES module.
// - The sources find files relative to themselves (new URL("../../resources/...", import.meta.url)). In one
//   bundle every import.meta.url would be the bundle's, so each file's import.meta.url is rewritten to where
//   that source file sits in the app folder; resources/ ships beside dist/ (electron-builder.yml), so the
//   relative paths keep working, in development and in app.asar alike.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildTrainerPage, webgpuBackendInstalled } from "./trainerPageBuild.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "electron");

/** @type {import("esbuild").Plugin} */
const sourceImportMetaUrl = {
  name: "source-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const fromBundle = relative(outdir, args.path).split("\\").join("/");
      const contents = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`);
      return { contents, loader: "ts" };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  // The app's own code only; see the note above.
  packages: "external",
  external: ["electron"],
};

await Promise.all([
  build({
    ...common,
    // calibrationChild: the hardware calibration's child, which the app starts as a utilityProcess like training
    // (electron/main/utilityCalibrationSpawner.ts); the CLI and the tests run its TypeScript source through tsx.
    entryPoints: { main: "electron/main/main.ts", trainWorker: "electron/worker/trainWorker.ts", calibrationChild: "electron/app/hardware/calibrationChild.ts" },
    outdir,
    format: "esm",
    outExtension: { ".js": ".mjs" },
    plugins: [sourceImportMetaUrl],
    // Bundled CommonJS helpers (if any) call require; give ES modules one.
    banner: { js: 'import { createRequire as __studioCreateRequire } from "node:module"; const require = __studioCreateRequire(import.meta.url);' },
  }),
  build({ ...common, entryPoints: { preload: "electron/preload/preload.ts", trainerPreload: "electron/worker/webgpuTrainer/trainerPreload.ts" }, outdir, format: "cjs", outExtension: { ".js": ".cjs" }, packages: undefined }),
  // The trainer page bundles tfjs-core and tfjs-backend-webgpu (a browser page has no node_modules); without the
  // optional backend installed it is not built, and the app trains on the utilityProcess (main.ts checks).
  webgpuBackendInstalled() ? buildTrainerPage(root, join(outdir, "webgpuTrainer")) : Promise.resolve(console.warn("@tensorflow/tfjs-backend-webgpu is not installed: the WebGPU trainer page is not built")),
]);
// `electron dist/electron` (npm start) reads this manifest; the installers use the root package.json with
// extraMetadata.main (electron-builder.yml) instead.
const rootPackage = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
await writeFile(
  join(outdir, "package.json"),
  JSON.stringify({ name: rootPackage.name, productName: "LoRA Studio", version: rootPackage.version, private: true, type: "module", main: "main.mjs" }, null, 2) + "\n",
);
console.log(`built ${relative(root, outdir)}/main.mjs, preload.cjs, trainWorker.mjs, calibrationChild.mjs, trainerPreload.cjs, webgpuTrainer/`);
