#!/usr/bin/env node
// Rebuilds better-sqlite3 for Electron's ABI (Electron's Node differs from the system Node, so the .node built by
// `npm install` cannot load in the app). Uses @electron/rebuild, which electron-builder also uses for
// `install-app-deps`. It needs the Electron version's headers from Electron's download host and a C++ toolchain,
// so it fails on machines that cannot reach that host; it says so and exits 1 rather than pretend.
// node-llama-cpp is not rebuilt: it ships prebuilt binaries (N-API) that load in Electron as they are.
//
// Note: after this, better-sqlite3 loads in Electron but no longer in plain Node (the CLI and the tests);
// `npm rebuild better-sqlite3` switches it back. CI runs it after the tests, right before electron-builder.
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// --root DIR: another project folder (used to try the script without touching this checkout's node_modules).
const rootArg = process.argv.indexOf("--root");
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]) : join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const MODULES = ["better-sqlite3"];

let rebuild;
try {
  ({ rebuild } = await import("@electron/rebuild"));
} catch {
  console.error("rebuildForElectron: @electron/rebuild is not installed (it comes with electron-builder); run npm install first");
  process.exit(1);
}
const electronVersion = require("electron/package.json").version;

// Note: a failed rebuild leaves no build folder at all (node-gyp cleans first), which would break better-sqlite3
// for the CLI and tests too; the working build is kept aside and put back on failure.
const backups = [];
for (const m of MODULES) {
  const build = join(root, "node_modules", m, "build");
  if (!existsSync(build)) continue;
  const copy = join(mkdtempSync(join(tmpdir(), "rebuild-backup-")), "build");
  cpSync(build, copy, { recursive: true });
  backups.push({ build, copy });
}
const restore = () => {
  for (const { build, copy } of backups) {
    rmSync(build, { recursive: true, force: true });
    cpSync(copy, build, { recursive: true });
  }
};
const dropBackups = () => {
  for (const { copy } of backups) rmSync(dirname(copy), { recursive: true, force: true });
};

console.log(`rebuildForElectron: rebuilding ${MODULES.join(", ")} for Electron ${electronVersion} (${process.platform}-${process.arch})`);
try {
  await rebuild({ buildPath: root, electronVersion, arch: process.arch, onlyModules: MODULES, force: true, mode: "sequential" });
  console.log("rebuildForElectron: done; `npm rebuild better-sqlite3` makes it load in plain Node again");
  dropBackups();
} catch (error) {
  restore();
  dropBackups();
  const message = String(error?.message ?? error).split("\n")[0];
  console.error(`rebuildForElectron: the rebuild failed: ${message}`);
  console.error(`It downloads Electron's headers (from Electron's download host) and compiles C++: it needs that host and a compiler. Where the host is unreachable, build the installers on a machine that reaches it (.github/workflows/release.yml). The previous build of ${MODULES.join(", ")} was put back.`);
  process.exit(1);
}
