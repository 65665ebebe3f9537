import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import { sha256File } from "../../engine/util/sha256File";
import { checkDownloadUrl } from "./checkDownloadUrl";
import { DownloadError } from "./DownloadError";
import { httpGet, type TrustOptions } from "./httpGet";
import { validateGgufFile } from "./validateGgufFile";

export { DownloadError } from "./DownloadError";

export interface DownloadRequest extends TrustOptions {
  url: string;
  /** Where the finished file goes; the transfer writes `<dest>.part` and renames it when complete (and checked). */
  dest: string;
  /** The file's sha256 when known: checked before the rename. null: the file is validated as GGUF instead. */
  sha256: string | null;
  /** The file's exact size in bytes when known (0 or absent: unknown): checked before the rename. */
  bytes?: number;
  signal?: AbortSignal;
  onProgress?(p: { receivedBytes: number; totalBytes: number; phase: "running" | "verifying" }): void;
}

export interface Downloaded {
  path: string;
  bytes: number;
  sha256: string;
  /** Whether the hash was checked against a known one (else the file was validated as GGUF and hashed). */
  verified: boolean;
  /** Bytes that were already in `.part` from an earlier, interrupted transfer. */
  resumedFrom: number;
}

/**
 * Downloads `url` into `dest` over https (plain http only when `allowHttp`, an insecure mirror the user named).
 * An interrupted transfer leaves `<dest>.part`; the next call asks the server for the rest (a Range request) and
 * appends, or starts over when the server ignores the range. The finished file is checked against the known size
 * and sha256 (or, without a known hash, read as a GGUF: header, tensor table, every tensor inside the file) and
 * only then renamed into place; a file that fails is deleted and the error says so.
 */
export async function downloadModel(request: DownloadRequest): Promise<Downloaded> {
  // Refused before anything touches the disk, so a refused address leaves nothing behind.
  checkDownloadUrl(request.url, request.allowHttp === true);
  const part = `${request.dest}.part`;
  const have = (await stat(part).catch(() => null))?.size ?? 0;
  const response = await httpGet(request.url, have, request);
  const status = response.statusCode ?? 0;
  if (status === 416 && have > 0) {
    // The .part is as long as the file (or longer): check it as it is.
    response.resume();
    return finish(request, part, have, have);
  }
  if (status < 200 || status >= 300) {
    response.resume();
    throw new DownloadError(`the server answered ${status} ${response.statusMessage ?? ""} for ${request.url}; try again later, or download the file yourself and add it with "Add a model file"`);
  }
  const resumed = status === 206 && have > 0;
  const start = resumed ? have : 0;
  const length = Number(response.headers["content-length"] ?? NaN);
  const total = Number.isFinite(length) ? start + length : 0;
  const received = await receive(request, response, part, resumed, start, total);
  if (total && received < total) {
    throw new DownloadError(`the server closed the connection after ${received} of ${total} bytes of ${request.url}; start the download again to continue where it stopped`);
  }
  return finish(request, part, received, start);
}

async function receive(request: DownloadRequest, response: IncomingMessage, part: string, resumed: boolean, start: number, total: number): Promise<number> {
  const out = createWriteStream(part, { flags: resumed ? "a" : "w" });
  let received = start;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      if (!out.write(chunk)) await once(out, "drain");
      received += chunk.byteLength;
      request.onProgress?.({ receivedBytes: received, totalBytes: total || request.bytes || 0, phase: "running" });
    }
    // Node ends the stream quietly when the socket closes early; `complete` tells a cut transfer from a finished one.
    if (!response.complete) throw new Error("the connection closed before the end of the response");
  } catch (error) {
    out.end();
    await once(out, "close").catch(() => {});
    if (request.signal?.aborted) throw request.signal.reason ?? error;
    throw new DownloadError(`the transfer of ${request.url} stopped after ${received} of ${total || "?"} bytes (${(error as Error).message}); start the download again to continue where it stopped`);
  }
  out.end();
  await once(out, "close");
  return received;
}

async function finish(request: DownloadRequest, part: string, bytes: number, resumedFrom: number): Promise<Downloaded> {
  request.onProgress?.({ receivedBytes: bytes, totalBytes: bytes, phase: "verifying" });
  const refuse = async (why: string): Promise<never> => {
    await rm(part, { force: true });
    throw new DownloadError(`${why}, and was deleted. Download it again; if this repeats, the server's copy differs from the catalog`);
  };
  if (request.bytes && bytes !== request.bytes) {
    await refuse(`the downloaded file is ${bytes} bytes, but the catalog lists ${request.bytes} bytes for it: it is ${bytes < request.bytes ? "cut short" : "not the listed file"}`);
  }
  const sha256 = await sha256File(part);
  if (request.sha256 && sha256 !== request.sha256.toLowerCase()) {
    await refuse(`the downloaded file's sha256 is ${sha256}, but ${request.sha256} was expected: it is damaged or not the listed file`);
  }
  if (!request.sha256) {
    // Note: no known hash to check, so the file must at least be a whole GGUF model before native llama.cpp code
    // reads it; its sha256 is returned (and recorded with the model) for the user to compare with the source.
    const problem = await validateGgufFile(part);
    if (problem) await refuse(`the downloaded file from ${request.url} is not a complete GGUF model (${problem})`);
  }
  await rename(part, request.dest);
  return { path: request.dest, bytes, sha256, verified: request.sha256 !== null, resumedFrom };
}
