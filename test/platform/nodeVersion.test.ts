import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The project's floor is Node 22 (Node 20's support ended in April 2026; Electron 45 and better-sqlite3 13 need 22).
describe("the Node runtime", () => {
  it("is at least the floor that package.json's engines declare", () => {
    const floor = JSON.parse(readFileSync("package.json", "utf8")).engines.node as string;
    const [major, minor] = floor.replace(/^>=\s*/, "").split(".").map(Number);
    const [runMajor, runMinor] = process.versions.node.split(".").map(Number);
    console.log(`tests run on Node ${process.version} (floor ${floor})`);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(runMajor! > major! || (runMajor === major && runMinor! >= (minor ?? 0)), `Node ${process.version} is older than ${floor}`).toBe(true);
  });

  it("loads better-sqlite3's Node-API build (no per-ABI rebuild)", async () => {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(":memory:");
    expect((db.prepare("select 1 + 1 as two").get() as { two: number }).two).toBe(2);
    db.close();
  });
});
