/**
 * A deliberately naive GGUF byte builder for tests: it writes whatever it is told, so tests can craft files
 * the engine's writer refuses to produce (bad alignment, 5 dims, unknown value types...).
 */
export class RawGguf {
  private parts: number[] = [];

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 0xff);
    return this;
  }
  u64(v: number | bigint): this {
    let x = BigInt(v);
    for (let i = 0; i < 8; i++) {
      this.parts.push(Number(x & 0xffn));
      x >>= 8n;
    }
    return this;
  }
  str(s: string): this {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    for (const b of bytes) this.parts.push(b);
    return this;
  }
  /** magic, version, counts */
  header(version: number, tensorCount: number, kvCount: number): this {
    return this.u32(0x46554747).u32(version).u64(tensorCount).u64(kvCount);
  }
  tensorInfo(name: string, dims: number[], type: number, offset: number): this {
    this.str(name).u32(dims.length);
    for (const d of dims) this.u64(d);
    return this.u32(type).u64(offset);
  }
  padTo(alignment: number): this {
    while (this.parts.length % alignment !== 0) this.parts.push(0);
    return this;
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
