import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { sha256File } from "../../engine/util/sha256File";

export interface DownloadRequest {
  url: string;
  /** Where the finished file goes; the transfer writes `<dest>.part` and renames it when complete (and checked). */
  dest: string;
  /** Checked after the transfer when known; null: the file is taken as it came (the UI says unverified). */
  sha256: string | null;
  signal?: AbortSignal;
  onProgress?(p: { receivedBytes: number; totalBytes: number; phase: "running" | "verifying" }): void;
}

export interface Downloaded {
  path: string;
  bytes: number;
  sha256: string;
  /** Whether the hash was checked against a known one. */
  verified: boolean;
  /** Bytes that were already in `.part` from an earlier, interrupted transfer. */
  resumedFrom: number;
}

/** A download failed; `offline` when the host could not be reached at all. The message says what to do. */
export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(message: string, readonly offline = false) {
    super(message);
  }
}

const OFFLINE_ADVICE =
  "This computer seems to be offline, or the server cannot be reached from this network. Connect to the internet and try again; or download the .gguf file on another computer, copy it onto this one, and add it with \"Add a model file\" (or pick it from the models LoRA Studio finds on this computer)";

/**
 * Downloads `url` into `dest` with Node's fetch. An interrupted transfer leaves `<dest>.part`; the next call asks
 * the server for the rest (a Range request) and appends, or starts over when the server ignores the range. The
 * finished file is checked against `sha256` when one is known, and only then renamed into place.
 */
export async function downloadModel(request: DownloadRequest): Promise<Downloaded> {
  const part = `${request.dest}.part`;
  const have = (await stat(part).catch(() => null))?.size ?? 0;
  const response = await get(request.url, have, request.signal);
  if (response.status === 416 && have > 0) {
    // The .part is as long as the file (or longer): check it as it is.
    await response.body?.cancel();
    return finish(request, part, have, have);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DownloadError(`the server answered ${response.status} ${response.statusText} for ${request.url}; try again later, or download the file yourself and add it with "Add a model file"`);
  }
  const resumed = response.status === 206 && have > 0;
  const start = resumed ? have : 0;
  const length = Number(response.headers.get("content-length") ?? NaN);
  const total = Number.isFinite(length) ? start + length : 0;
  const out = createWriteStream(part, { flags: resumed ? "a" : "w" });
  let received = start;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await once(out, "drain");
      received += chunk.byteLength;
      request.onProgress?.({ receivedBytes: received, totalBytes: total, phase: "running" });
    }
  } catch (error) {
    out.end();
    await once(out, "close").catch(() => {});
    if (request.signal?.aborted) throw request.signal.reason ?? error;
    throw new DownloadError(`the transfer of ${request.url} stopped after ${received} of ${total || "?"} bytes (${(error as Error).message}); start the download again to continue where it stopped`);
  }
  out.end();
  await once(out, "close");
  if (total && received < total) {
    throw new DownloadError(`the server closed the connection after ${received} of ${total} bytes of ${request.url}; start the download again to continue where it stopped`);
  }
  return finish(request, part, received, start);
}

async function get(url: string, from: number, signal: AbortSignal | undefined): Promise<Response> {
  try {
    return await fetch(url, { headers: from > 0 ? { Range: `bytes=${from}-` } : {}, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new DownloadError(`could not reach ${new URL(url).host} (${why}). ${OFFLINE_ADVICE}`, true);
  }
}

async function finish(request: DownloadRequest, part: string, bytes: number, resumedFrom: number): Promise<Downloaded> {
  request.onProgress?.({ receivedBytes: bytes, totalBytes: bytes, phase: "verifying" });
  const sha256 = await sha256File(part);
  if (request.sha256 && sha256 !== request.sha256.toLowerCase()) {
    await rm(part, { force: true });
    throw new DownloadError(`the downloaded file's sha256 is ${sha256}, but ${request.sha256} was expected: it is damaged or not the listed file, and was deleted. Download it again; if this repeats, the server's copy differs from the catalog`);
  }
  await rename(part, request.dest);
  return { path: request.dest, bytes, sha256, verified: request.sha256 !== null, resumedFrom };
}
