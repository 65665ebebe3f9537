import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "e2e/**/*.test.ts"],
    // Note: forks, not threads: tfjs-wasm and the native addons (node-llama-cpp, better-sqlite3)
    // each keep process-wide state that worker threads would share.
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // The CLI's data home (store, hardware cache) for every test and the processes they start.
    env: { LORA_STUDIO_HOME: join(tmpdir(), "lora-studio-test-home") },
  },
});
