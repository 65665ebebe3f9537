/**
 * Sequential little-endian reads over the metadata region of a GGUF source.
 * Note: metadata can hold 150k-token vocabularies (megabytes of tiny strings), so it is read in big
 * chunks into a growing buffer and parsed synchronously from there; only a refill awaits.
 */
import { InvalidGgufError, TruncatedGgufError } from "./errors";
import { readFully, type GgufByteSource } from "./byteSource";

const CHUNK = 1 << 20;
/** ignoreBOM keeps a leading U+FEFF: Llama 2's vocabulary has it as a token of its own. */
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

export class GgufChunkReader {
  /** Absolute file position of the next byte to parse. */
  pos = 0;
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  /** Absolute file position of buf[0]. */
  private bufStart = 0;
  private bufLen = 0;

  constructor(readonly source: GgufByteSource) {}

  get remaining(): number {
    return this.source.size - this.pos;
  }

  /** True when `n` bytes from pos are buffered, so the sync readers may be used without awaiting. */
  has(n: number): boolean {
    return this.pos + n <= this.bufStart + this.bufLen;
  }

  /** Makes `n` bytes from pos available; `what` names the field in the truncation error. */
  async need(n: number, what: string): Promise<void> {
    if (this.has(n)) return;
    const size = this.source.size;
    if (this.pos + n > size) throw TruncatedGgufError.forRead(this.source.path, what, this.pos + n, size);
    const keep = this.bufStart + this.bufLen - this.pos; // unparsed bytes already buffered
    const want = Math.min(size - this.pos, Math.max(n, CHUNK));
    let target = this.buf;
    if (target.length < want) target = new Uint8Array(Math.max(want, Math.min(size - this.pos, 2 * this.buf.length)));
    const from = this.pos - this.bufStart;
    if (target === this.buf) target.copyWithin(0, from, from + keep);
    else target.set(this.buf.subarray(from, from + keep), 0);
    await readFully(this.source, target.subarray(keep, want), this.pos + keep, what);
    this.buf = target;
    this.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    this.bufStart = this.pos;
    this.bufLen = want;
  }

  u8(): number {
    return this.buf[this.pos++ - this.bufStart]!;
  }
  i8(): number {
    return this.view.getInt8(this.pos++ - this.bufStart);
  }
  u16(): number {
    const v = this.view.getUint16(this.pos - this.bufStart, true);
    this.pos += 2;
    return v;
  }
  i16(): number {
    const v = this.view.getInt16(this.pos - this.bufStart, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.view.getUint32(this.pos - this.bufStart, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    const v = this.view.getInt32(this.pos - this.bufStart, true);
    this.pos += 4;
    return v;
  }
  f32(): number {
    const v = this.view.getFloat32(this.pos - this.bufStart, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    const v = this.view.getFloat64(this.pos - this.bufStart, true);
    this.pos += 8;
    return v;
  }
  u64(): bigint {
    const v = this.view.getBigUint64(this.pos - this.bufStart, true);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    const v = this.view.getBigInt64(this.pos - this.bufStart, true);
    this.pos += 8;
    return v;
  }

  /** A u64 that must fit a JS number and the rest of the file (a count or a length). */
  u64Bounded(what: string, minBytesEach: number): number {
    const at = this.pos;
    const v = this.u64();
    if (v * BigInt(minBytesEach) > BigInt(this.source.size - this.pos)) {
      const need = v > BigInt(Number.MAX_SAFE_INTEGER) ? `${v * BigInt(minBytesEach)}` : `${Number(v) * minBytesEach}`;
      throw new TruncatedGgufError(
        `${this.source.path} is truncated or corrupt: ${what} at offset ${at} is ${v}, which needs at least ${need} more bytes, ` +
          `but only ${this.source.size - this.pos} remain of ${this.source.size}; download or copy the file again`,
      );
    }
    return Number(v);
  }

  /** Decodes `len` buffered bytes as UTF-8 (invalid sequences become U+FFFD rather than failing the file). */
  utf8(len: number): string {
    const start = this.pos - this.bufStart;
    this.pos += len;
    const b = this.buf;
    // Most token strings are short ASCII: building them directly beats TextDecoder's call overhead.
    if (len <= 16) {
      let s = "";
      for (let i = start; i < start + len; i++) {
        const c = b[i]!;
        if (c >= 0x80) return utf8.decode(b.subarray(start, start + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8.decode(b.subarray(start, start + len));
  }

  /** A GGUF string: u64 length, then UTF-8 bytes. */
  async string(what: string): Promise<string> {
    if (!this.has(8)) await this.need(8, `the length of ${what}`);
    const len = this.u64Bounded(`the length of ${what}`, 1);
    if (len > MAX_STRING_BYTES) {
      throw new InvalidGgufError(`${this.source.path}: ${what} claims ${len} bytes at offset ${this.pos - 8}, more than any real GGUF string; the file is corrupt`);
    }
    if (!this.has(len)) await this.need(len, what);
    return this.utf8(len);
  }
}

/** Real strings (chat templates, merges) are kilobytes; this only stops a corrupt length from allocating gigabytes. */
export const MAX_STRING_BYTES = 64 << 20;
