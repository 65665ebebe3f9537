import { randomUUID } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, join } from "node:path";
import { PassThrough, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ApiErrorCode } from "../contract/ApiError";
import type { FileRef } from "../contract/dto";
import type { Studio } from "../app/api/createStudioApi";
import { BodyTooLargeError, declaredTooLarge } from "./readBody";
import { sanitizeFileName } from "./sanitizeFileName";
import { sendJson } from "./sendText";
import type { UploadStore } from "./UploadStore";

/** Uploads would pass the quota: answered 413 like a body over the limit, with what to do. */
class QuotaError extends Error {
  constructor(used: number, quota: number) {
    super(`the uploads folder is full: uploads take ${mb(used)} of the ${mb(quota)} allowed; import the files waiting there (imported files are removed from it) or delete folders in it, then try again`);
  }
}

/** The client went away mid-upload: nobody is left to answer. */
class ClientGoneError extends Error {}

/**
 * `POST /upload?name=<file name>`: how a browser hands the api a file (it has no native dialog). The body is
 * streamed to `<home>/uploads/<random id>/<name>`, never held in memory; the file is granted and its FileRef
 * returned. A refused or broken upload leaves nothing behind, and every failure is answered (a JSON ApiResult).
 */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, studio: Studio, uploads: UploadStore, search: URLSearchParams, limit: number): Promise<void> {
  const rawName = search.get("name");
  if (!rawName) return refuse(res, 400, "invalid-input", "missing ?name=<file name>");
  if (declaredTooLarge(req, limit)) return refuse(res, 413, "invalid-input", new BodyTooLargeError(limit).message);
  const used = await uploads.used();
  const room = uploads.quota - used;
  const declared = Number(req.headers["content-length"]);
  if (room <= 0 || (Number.isFinite(declared) && declared > room)) return refuse(res, 413, "failed", new QuotaError(used, uploads.quota).message);

  const dir = join(uploads.dir, randomUUID());
  const path = join(dir, sanitizeFileName(rawName));
  let bytes = 0;
  try {
    await mkdir(dir, { recursive: true });
    // Opened before a byte is read, so a name the disk refuses is answered while the client still listens.
    const file = await open(path, "wx");
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        uploads.track(chunk.length);
        done(bytes > limit ? new BodyTooLargeError(limit) : bytes > room ? new QuotaError(used + bytes, uploads.quota) : null, chunk);
      },
    });
    // Note: the request is not handed to pipeline, which would destroy it (and its socket) on a write error
    // before the error could be answered.
    const source = new PassThrough();
    const gone = () => source.destroy(new ClientGoneError());
    req.once("aborted", gone);
    req.once("close", () => {
      if (!req.complete) gone();
    });
    req.pipe(source);
    try {
      await pipeline(source, counter, file.createWriteStream());
    } finally {
      uploads.track(-bytes);
      req.unpipe(source);
      await file.close().catch(() => undefined);
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof ClientGoneError || res.destroyed) return;
    if (error instanceof BodyTooLargeError) return refuse(res, 413, "invalid-input", error.message);
    if (error instanceof QuotaError) return refuse(res, 413, "failed", error.message);
    const [status, code, message] = writeFailure(error as NodeJS.ErrnoException, rawName);
    return refuse(res, status, code, message);
  }
  const granted = studio.grants.grant(path);
  const ref: FileRef = { path: granted, name: basename(granted), bytes };
  sendJson(res, 200, ref);
}

/** What the client is told when the file cannot be created or written, by errno. */
export function writeFailure(error: NodeJS.ErrnoException, name: string): [number, ApiErrorCode, string] {
  switch (error.code) {
    case "ENAMETOOLONG":
      return [400, "invalid-input", `the file name "${name.slice(0, 80)}" is too long for the disk; rename the file and upload it again`];
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return [500, "failed", "LoRA Studio cannot write to its uploads folder (permission denied); check the permissions of the app's data folder"];
    case "ENOSPC":
    case "EDQUOT":
      return [507, "failed", "the disk is full; free some space and upload the file again"];
    default:
      console.error("lora-studio: an upload failed:", error);
      return [500, "failed", `the upload could not be written (${error.code ?? error.name}); try again`];
  }
}

/** Answers an ApiResult error and closes the connection: the rest of the body is not read. */
function refuse(res: ServerResponse, status: number, code: ApiErrorCode, message: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  res.shouldKeepAlive = false;
  res.setHeader("Connection", "close");
  sendJson(res, status, { ok: false, error: { code, message } });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
