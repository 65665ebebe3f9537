import type { ServerResponse } from "node:http";

/** A short plain-text answer (refusals, 404s): people read these in the browser or in curl. */
export function sendText(res: ServerResponse, status: number, text: string, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...extraHeaders });
  res.end(`${text}\n`);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Encoded before the head is written: a value that cannot be encoded still gets an answer (a 500).
  const body = JSON.stringify(value);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
  res.end(body);
}

/**
 * 413 and close the connection. Note: the client may still be sending; closing (rather than reading on) is what
 * keeps a 2 GiB body from being read just to be thrown away.
 */
export function sendTooLarge(res: ServerResponse, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.shouldKeepAlive = false;
  res.writeHead(413, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", Connection: "close" });
  res.end(`${message}\n`);
}
