#!/usr/bin/env node
// `npm test`: runs the whole suite with Vitest and ends with the line CI counts,
// `N passed, N failed, N skipped`, read from Vitest's JSON report.
// Extra arguments go to Vitest (e.g. `npm test -- test/engine/gguf`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

console.log(`npm test on Node ${process.version}`);
const dir = mkdtempSync(join(tmpdir(), "lora-studio-test-"));
const report = join(dir, "report.json");
const vitest = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);

let summary;
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  // Suites that fail to load count as failures too: they ran no test but are broken.
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
  summary = { passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles, skipped: r.numPendingTests + r.numTodoTests };
} catch (e) {
  console.error(`Could not read Vitest's JSON report (${e.message}); treating the run as failed.`);
  summary = { passed: 0, failed: 1, skipped: 0 };
}
rmSync(dir, { recursive: true, force: true });
console.log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exitCode = vitest.status === 0 && summary.failed === 0 ? 0 : 1;
