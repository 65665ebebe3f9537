import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FileRef } from "../contract/dto";
import type { Studio } from "../app/api/createStudioApi";
import { BodyTooLargeError, declaredTooLarge } from "./readBody";
import { sanitizeFileName } from "./sanitizeFileName";
import { sendJson, sendTooLarge } from "./sendText";

/**
 * `POST /upload?name=<file name>`: how a browser hands the api a file (it has no native dialog). The body is
 * streamed to `<home>/uploads/<random id>/<name>`, never held in memory; the file is granted and its FileRef
 * returned. A refused or broken upload leaves nothing behind.
 */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, studio: Studio, search: URLSearchParams, limit: number): Promise<void> {
  const rawName = search.get("name");
  if (!rawName) return sendJson(res, 400, { ok: false, error: { code: "invalid-input", message: "missing ?name=<file name>" } });
  if (declaredTooLarge(req, limit)) return sendTooLarge(res, new BodyTooLargeError(limit).message);
  const dir = join(studio.home, "uploads", randomUUID());
  const path = join(dir, sanitizeFileName(rawName));
  await mkdir(dir, { recursive: true });
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(bytes > limit ? new BodyTooLargeError(limit) : null, chunk);
    },
  });
  try {
    await pipeline(req, counter, createWriteStream(path, { flags: "wx" }));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (error instanceof BodyTooLargeError) return sendTooLarge(res, error.message);
    // The client went away mid-upload: nobody is left to answer.
    if (req.destroyed || res.destroyed) return;
    throw error;
  }
  const granted = studio.grants.grant(path);
  const ref: FileRef = { path: granted, name: basename(granted), bytes };
  sendJson(res, 200, ref);
}
