import type { ClientFrame } from "../contract/wire";

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; id: number | null; message: string };

/** Checks a WebSocket text frame's shape; the method name and params are checked by dispatch like every door's. */
export function parseClientFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, id: null, message: "the frame is not JSON" };
  }
  if (typeof raw !== "object" || raw === null) return { ok: false, id: null, message: "the frame is not an object" };
  const f = raw as Record<string, unknown>;
  const id = typeof f.id === "number" && Number.isSafeInteger(f.id) ? f.id : null;
  if (f.type !== "call") return { ok: false, id, message: `unknown frame type ${JSON.stringify(f.type)}; send {"type":"call","id":N,"method":...,"params":...}` };
  if (id === null) return { ok: false, id: null, message: "a call needs an integer id" };
  if (typeof f.method !== "string") return { ok: false, id, message: "a call needs a method name" };
  return { ok: true, frame: { type: "call", id, method: f.method as ClientFrame["method"], params: f.params } };
}
