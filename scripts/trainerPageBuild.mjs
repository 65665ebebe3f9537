// The hidden trainer window's page (electron/worker/webgpuTrainer/trainerPage.ts) bundled for the browser, with
// its HTML: scripts/buildElectron.mjs writes it to dist/electron/webgpuTrainer/, and the e2e test
// (test/engine/training/webgpuTrainerPage.test.ts) builds the same bundle to serve it to headless Chromium.
//
// Note: the engine's modules reach node:fs, node:path and node:crypto through code the page never calls (the Node
// defaults of checkpointStore, GgufFile's openGguf); in the page those imports resolve to functions that throw
// a clear error naming the module, so a future call is loud, never silent. The page's files go through its host.
import { builtinModules } from "node:module";
import { createRequire } from "node:module";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

/** The CSP of the trainer page (also sent as a header by the app:// handler): its own script, nothing else. */
export const TRAINER_PAGE_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// The same policy in the page itself (a <meta> cannot carry frame-ancestors; the header does).
export const TRAINER_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${TRAINER_PAGE_CSP.replace("; frame-ancestors 'none'", "")}">
<title>LoRA Studio trainer</title>
<script type="module" src="./trainer.js"></script>
</head><body></body></html>
`;

/** @type {import("esbuild").Plugin} */
const nodeBuiltinsThrow = {
  name: "node-builtins-throw",
  setup(b) {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /.*/ }, (args) => (builtins.has(args.path) ? { path: args.path.replace(/^node:/, ""), namespace: "node-builtin" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => {
      const names = Object.keys(require(args.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "default");
      const fail = `(name) => () => { throw new Error("node:${args.path} " + name + " is not available in the trainer page; its files go through the main process"); }`;
      const lines = [`const fail = ${fail};`, ...names.map((n) => `export const ${n} = fail(${JSON.stringify(n)});`), "export default {};"];
      return { contents: lines.join("\n"), loader: "js" };
    });
  },
};

/** esbuild options of the page bundle (one ES module, everything bundled: tfjs-core and its WebGPU backend included). */
export function trainerPageBuildOptions(root) {
  return {
    absWorkingDir: root,
    entryPoints: [join(root, "electron", "worker", "webgpuTrainer", "trainerPage.ts")],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "chrome120",
    logLevel: "error",
    plugins: [nodeBuiltinsThrow],
  };
}

/** Whether the optional WebGPU backend is installed (without it the page is not built and the app never uses it). */
export function webgpuBackendInstalled() {
  try {
    require.resolve("@tensorflow/tfjs-backend-webgpu");
    return true;
  } catch {
    return false;
  }
}

/** Writes OUTDIR/index.html and OUTDIR/trainer.js. */
export async function buildTrainerPage(root, outdir) {
  await mkdir(outdir, { recursive: true });
  await build({ ...trainerPageBuildOptions(root), outfile: join(outdir, "trainer.js"), sourcemap: "linked" });
  await writeFile(join(outdir, "index.html"), TRAINER_PAGE_HTML);
}
