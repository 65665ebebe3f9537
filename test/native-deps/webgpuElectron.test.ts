/**
 * The facts behind electron/worker/README.md's decision (in the Electron app WebGPU trains in a hidden window, not
 * with dawn.node in the utilityProcess), checked without Electron's binary.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");

describe("dawn.node and Electron", () => {
  it("the app's Electron has the V8 memory cage (>= 21) that forbids dawn.node's external buffers", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    const major = Number(/(\d+)/.exec(pkg.devDependencies.electron!)![1]);
    expect(major).toBeGreaterThanOrEqual(21);
  });

  it("openDawnAdapter refuses under Electron, naming the memory cage, and the backend choice falls back", async () => {
    // A Node process that says it is Electron (process.versions.electron), as a utilityProcess does.
    const script = `
      Object.defineProperty(process.versions, "electron", { value: "45.6.0", enumerable: true });
      const { initTfjs } = await import("./native-deps/tfjsBackend.ts");
      const init = await initTfjs();
      console.log(JSON.stringify({ backend: init.backend, webgpu: init.attempts.find((a) => a.name === "webgpu") }));
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { backend: string; webgpu: { ok: boolean; reason: string } };
    expect(result.backend).toBe("wasm");
    expect(result.webgpu.ok).toBe(false);
    expect(result.webgpu.reason).toMatch(/^dawn\.node cannot run inside Electron .*V8 memory cage/);
  });
});
