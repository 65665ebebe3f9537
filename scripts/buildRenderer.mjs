#!/usr/bin/env node
// `npm run build:renderer`: bundles the React renderer into dist/renderer (app.js + index.html) with esbuild.
// The app is offline: no fonts or scripts from the network, and a strict Content-Security-Policy.
// No source map by default (it would be shipped and served: 7 MB of the app's source); `--dev` (or
// LORA_STUDIO_SOURCEMAP=1) adds one for debugging. `--out DIR` builds elsewhere (the tests).
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const outArg = args.indexOf("--out");
const out = outArg >= 0 && args[outArg + 1] ? resolve(args[outArg + 1]) : join(root, "dist", "renderer");
const dev = args.includes("--dev") || process.env.LORA_STUDIO_SOURCEMAP === "1";
const started = Date.now();

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const result = await build({
  entryPoints: [join(root, "renderer", "src", "main.tsx")],
  outfile: join(out, "assets", "app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["chrome120", "firefox120", "safari17"],
  minify: true,
  sourcemap: dev,
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".json": "json" },
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
});

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws:",
  "object-src 'none'",
].join("; ");

const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${CSP}" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <link rel="icon" href="data:," />
    <title>LoRA Studio</title>
  </head>
  <body>
    <noscript>LoRA Studio needs JavaScript.</noscript>
    <div id="root"></div>
    <script type="module" src="./assets/app.js"></script>
  </body>
</html>
`;
writeFileSync(join(out, "index.html"), html);

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`renderer: ${out} (${(bytes / 1024 / 1024).toFixed(1)} MB${dev ? " with source map" : ""}) in ${Date.now() - started} ms`);
