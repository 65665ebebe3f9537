import { createReadStream } from "node:fs";

/** The longest line read; longer ones are skipped and reported, so one bad line cannot exhaust memory. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

export type LineResult =
  | { line: number; text: string }
  | { line: number; error: "invalid-utf8" }
  | { line: number; error: "too-long"; bytes: number };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Streams a file's lines (1-based numbers) without holding the file in memory. Each line is decoded on its own,
 * so invalid UTF-8 is reported for that line only. A UTF-8 BOM is dropped; "\r\n" endings are accepted.
 */
export async function* readLines(path: string, maxLineBytes = MAX_LINE_BYTES, signal?: AbortSignal): AsyncGenerator<LineResult> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = 0; // bytes of the current line beyond the limit (the line is being skipped)
  let line = 1;
  let first = true;

  const finish = (): LineResult => {
    if (overflow > 0) {
      const bytes = pendingBytes + overflow;
      pending = [];
      pendingBytes = 0;
      overflow = 0;
      return { line, error: "too-long", bytes };
    }
    let buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    first = false;
    if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    try {
      return { line, text: utf8.decode(buf) };
    } catch {
      return { line, error: "invalid-utf8" };
    }
  };

  const append = (part: Buffer) => {
    if (overflow > 0 || pendingBytes + part.length > maxLineBytes) {
      overflow += part.length;
      return;
    }
    pending.push(part);
    pendingBytes += part.length;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      append(chunk.subarray(start, nl));
      const result = finish();
      yield result;
      line++;
      start = nl + 1;
    }
    if (start < chunk.length) append(Buffer.from(chunk.subarray(start)));
  }
  if (pendingBytes > 0 || overflow > 0) yield finish();
}
