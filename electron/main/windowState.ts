import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: WindowBounds;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const StateSchema = z.object({
  bounds: z.object({ x: z.number().int().optional(), y: z.number().int().optional(), width: z.number().int().min(400).max(20_000), height: z.number().int().min(300).max(20_000) }),
  maximized: z.boolean().default(false),
});

/**
 * The window's last size and place (userData/window-state.json), or null the first time. A damaged file is
 * ignored, and a position on a display that is no longer attached is dropped so the window cannot open
 * off-screen.
 */
export function loadWindowState(file: string, workAreas: Rect[]): WindowState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
  const parsed = StateSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { bounds, maximized } = parsed.data;
  const visible = bounds.x !== undefined && bounds.y !== undefined && workAreas.some((a) => titleBarVisible({ x: bounds.x!, y: bounds.y!, width: bounds.width, height: bounds.height }, a));
  return { bounds: visible ? bounds : { width: bounds.width, height: bounds.height }, maximized };
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** At least 100 x 40 pixels of the window's top edge lie inside the area: enough to grab and move it. */
function titleBarVisible(w: Rect, area: Rect): boolean {
  const left = Math.max(w.x, area.x);
  const right = Math.min(w.x + w.width, area.x + area.width);
  const top = Math.max(w.y, area.y);
  const bottom = Math.min(w.y + 40, area.y + area.height);
  return right - left >= 100 && bottom - top >= 40;
}
