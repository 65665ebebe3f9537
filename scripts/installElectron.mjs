#!/usr/bin/env node
// `npm run electron:install`: downloads Electron's binary (node_modules/electron/dist) where its host is reachable.
// Note: Electron 45's package has no install script at all; its binary comes on first use (require("electron")
// runs its install.js) or from this command. install.js (@electron/get) fetches the zip from Electron's GitHub
// releases (or ELECTRON_MIRROR), checks it against the package's checksums.json and unpacks it. Where the host is
// unreachable it dies with a bare "fetch failed" stack; this wrapper runs it and says in one line what happened
// and what to do. The app works without the binary: `npm start` falls back to the web version.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve("electron/package.json"));
const { version } = JSON.parse(readFileSync(join(electronDir, "package.json"), "utf8"));
const timeoutMs = Number(process.env.LORA_STUDIO_ELECTRON_INSTALL_TIMEOUT_MS ?? 600_000);

const r = spawnSync(process.execPath, [join(electronDir, "install.js")], { encoding: "utf8", timeout: timeoutMs, stdio: ["ignore", "inherit", "pipe"] });
const pathTxt = join(electronDir, "path.txt");
const binary = existsSync(pathTxt) ? join(electronDir, "dist", readFileSync(pathTxt, "utf8")) : null;
if (r.status === 0 && binary && existsSync(binary)) {
  console.log(`Electron ${version} is installed: ${binary}`);
  process.exit(0);
}
const stderr = `${r.stderr ?? ""}`;
const host = process.env.ELECTRON_MIRROR ?? "github.com (Electron's releases)";
const first = stderr.split("\n").find((l) => l.trim()) ?? (r.error ? r.error.message : `exit code ${r.status}`);
const unreachable = r.error?.code === "ETIMEDOUT" || /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo/i.test(stderr);
console.error(
  unreachable
    ? `electron:install: Electron ${version}'s binary could not be downloaded: ${host} is unreachable from this machine (${first.trim()}); the app still runs in the browser (npm start, lora-studio web), and installers are built where the host is reachable (.github/workflows/release.yml), or set ELECTRON_MIRROR to a reachable mirror.`
    : `electron:install: installing Electron ${version}'s binary failed (${first.trim()}); delete node_modules/electron/dist and run npm run electron:install again, or see node_modules/electron/install.js.`,
);
process.exit(1);
