#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed, else the same app in the browser through
// the local web bridge. Note: `npm install` does not download Electron's binary (Electron 45's package has no
// install script; `npm run electron:install` fetches it where its host is reachable), so the fallback is the
// normal case on locked-down machines, not an error.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/**
 * The Electron executable's path, or null with the reason it is unusable. Note: read from the package's path.txt
 * rather than require("electron"), which in Electron 45 tries to download the binary when it is missing.
 */
function electronBinary() {
  try {
    const dir = dirname(require.resolve("electron/package.json"));
    const pathTxt = join(dir, "path.txt");
    if (!existsSync(pathTxt)) return { path: null, why: "it was not downloaded" };
    const path = join(dir, "dist", readFileSync(pathTxt, "utf8").trim());
    return existsSync(path) ? { path } : { path: null, why: `${path} does not exist` };
  } catch {
    return { path: null, why: "the electron package is not installed" };
  }
}

function run(script) {
  const r = spawnSync(process.execPath, [join(root, script)], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const electron = electronBinary();
if (electron.path) {
  if (existsSync(join(root, "scripts", "buildRenderer.mjs"))) run("scripts/buildRenderer.mjs");
  run("scripts/buildElectron.mjs");
  const child = spawn(electron.path, [join(root, "dist", "electron")], { cwd: root, stdio: "inherit" });
  child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
} else {
  console.log(`Electron's binary is missing (${electron.why}); starting the web version instead. To get the desktop app, run \`npm run electron:install\` where Electron's download host is reachable.`);
  if (existsSync(join(root, "scripts", "buildRenderer.mjs"))) run("scripts/buildRenderer.mjs");
  // The web command prints the address (with its token) itself and runs until Ctrl-C, which reaches it too.
  const child = spawn(process.execPath, [join(root, "bin", "lora-studio.js"), "web", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
  child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
}
