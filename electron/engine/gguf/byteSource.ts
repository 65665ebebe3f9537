/** Where GGUF bytes come from: a file handle (read on demand) or, for tests and small in-memory files, a buffer. */
import { open } from "node:fs/promises";
import { TruncatedGgufError } from "./errors";

export interface GgufByteSource {
  /** Used in every error message. */
  readonly path: string;
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `target` at `offset`; returns how many were read (0 at the end). */
  read(target: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

export async function fileByteSource(path: string): Promise<GgufByteSource> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    let closed = false;
    return {
      path,
      size,
      async read(target, offset, length, position) {
        const { bytesRead } = await handle.read(target, offset, length, position);
        return bytesRead;
      },
      async close() {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

export function bufferByteSource(bytes: Uint8Array, path: string): GgufByteSource {
  return {
    path,
    size: bytes.length,
    async read(target, offset, length, position) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      target.set(bytes.subarray(position, position + n), offset);
      return n;
    },
    async close() {},
  };
}

/** Fills `target` from `position`; a short read (a file cut or shrunk since it was opened) names `what`. */
export async function readFully(source: GgufByteSource, target: Uint8Array, position: number, what: string): Promise<void> {
  // Note: FileHandle.read takes at most 2 GiB per call, so big tensors are read in slices.
  const maxSlice = 1 << 30;
  let done = 0;
  while (done < target.length) {
    const n = await source.read(target, done, Math.min(maxSlice, target.length - done), position + done);
    if (n <= 0) throw TruncatedGgufError.forRead(source.path, what, position + target.length, position + done);
    done += n;
  }
}
