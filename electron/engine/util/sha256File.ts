import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Hex sha256 of a file, streamed (model files are gigabytes). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
