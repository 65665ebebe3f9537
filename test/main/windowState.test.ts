import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadWindowState, saveWindowState } from "../../electron/main/windowState";

const dir = mkdtempSync(join(tmpdir(), "window-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe("window state", () => {
  it("is remembered across launches", () => {
    const file = join(dir, "nested", "window-state.json");
    expect(loadWindowState(file, screen)).toBeNull();
    saveWindowState(file, { bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: true });
    expect(loadWindowState(file, screen)).toEqual({ bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: true });
  });

  it("drops a position on a display that is gone, and ignores a damaged file", () => {
    const file = join(dir, "window-state.json");
    saveWindowState(file, { bounds: { x: 3000, y: 50, width: 1200, height: 800 }, maximized: false });
    expect(loadWindowState(file, screen)).toEqual({ bounds: { width: 1200, height: 800 }, maximized: false });
    expect(loadWindowState(file, [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }])?.bounds.x).toBe(3000);
    writeFileSync(file, "{not json");
    expect(loadWindowState(file, screen)).toBeNull();
    writeFileSync(file, JSON.stringify({ bounds: { width: 5, height: 5 } }));
    expect(loadWindowState(file, screen)).toBeNull();
  });
});
