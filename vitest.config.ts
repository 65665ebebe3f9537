import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Note: forks, not threads: tfjs-wasm and the native addons (node-llama-cpp, better-sqlite3)
    // each keep process-wide state that worker threads would share.
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
