#!/usr/bin/env node
// `npm run build:renderer`: bundles the React renderer into dist/renderer (app.js + index.html) with esbuild.
// The app is offline: no fonts or scripts from the network, and a strict Content-Security-Policy.
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "renderer");
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
  sourcemap: true,
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
console.log(`renderer: dist/renderer (${(bytes / 1024 / 1024).toFixed(1)} MB with source map) in ${Date.now() - started} ms`);
