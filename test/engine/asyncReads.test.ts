import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The webgpu backend in Node has no synchronous read (tfjs reads through an OffscreenCanvas, which Node lacks), so
// engine code reads tensors with `await t.data()` / `await t.array()`, never dataSync, arraySync or bufferSync.
const ROOT = join(__dirname, "..", "..");
const SCANNED = ["electron/engine", "native-deps"];
const SYNC_READ = /\.\s*(dataSync|arraySync|bufferSync)\s*\(/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** `file:line: text` of each synchronous tensor read in the given source text. */
export function syncReads(file: string, text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (SYNC_READ.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    SYNC_READ.lastIndex = 0;
  });
  return found;
}

describe("engine reads tensors asynchronously", () => {
  it("finds a synchronous read where there is one (the scan itself works)", () => {
    expect(syncReads("x.ts", "const v = loss.dataSync()[0];\nconst ok = await loss.data();\nt.arraySync();\nb . bufferSync ()")).toEqual([
      "x.ts:1: const v = loss.dataSync()[0];",
      "x.ts:3: t.arraySync();",
      "x.ts:4: b . bufferSync ()",
    ]);
  });

  it("has no dataSync, arraySync or bufferSync in electron/engine or native-deps", () => {
    const files = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => syncReads(relative(ROOT, f), readFileSync(f, "utf8")));
    expect(found, "use `await t.data()` (webgpu in Node cannot read synchronously)").toEqual([]);
  });

  it("has no tf.addN in electron/engine (webgpu's AddN binds every input at once: past 8 it fails on many GPUs)", () => {
    const files = sourceFiles(join(ROOT, "electron/engine"));
    const found = files.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) => (/\baddN\s*\(/.test(line) && !/^\s*(\/\/|\*)/.test(line) ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found, "sum with a chain of tf.add instead").toEqual([]);
  });
});
