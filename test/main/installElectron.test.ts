import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/paths";

const installed = existsSync(join(repoRoot, "node_modules", "electron", "path.txt"));
if (installed) console.log("installElectron.test: skipped, Electron's binary is installed here (the unreachable-host case cannot be shown)");

describe.skipIf(installed)("npm run electron:install where Electron's host is unreachable", () => {
  it("fails in one line that says what happened and what to do", async () => {
    // A closed port on 127.0.0.1 as the mirror: unreachable everywhere, and nothing leaves the machine.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const cache = mkdtempSync(join(tmpdir(), "electron-cache-"));
    try {
      const r = spawnSync(process.execPath, [join(repoRoot, "scripts", "installElectron.mjs")], {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: cache, LORA_STUDIO_ELECTRON_INSTALL_TIMEOUT_MS: "30000" },
      });
      expect(r.status).toBe(1);
      const lines = r.stderr.split("\n").filter((l) => l.trim());
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^electron:install: Electron \d+\.\d+\.\d+'s binary could not be downloaded: http:\/\/127\.0\.0\.1:\d+\/ is unreachable from this machine .*npm start/);
      expect(existsSync(join(repoRoot, "node_modules", "electron", "path.txt"))).toBe(false);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
