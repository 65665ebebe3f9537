/** Deterministic random bytes and quant blocks for GGUF tests. */

/** mulberry32: small, seedable, good enough to spread test inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** A random finite f16 bit pattern of moderate size (|x| in about [2^-10, 2^6)), either sign; subnormal now and then. */
export function randomScaleF16(rand: () => number): number {
  const sign = rand() < 0.5 ? 0x8000 : 0;
  if (rand() < 0.05) return sign | Math.floor(rand() * 0x400); // subnormal or zero
  const exp = 5 + Math.floor(rand() * 16);
  return sign | (exp << 10) | Math.floor(rand() * 0x400);
}

function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = v >> 8;
}

/** Where each format keeps its f16 scale fields, by byte offset within a block. */
const SCALE_FIELDS: Record<string, { blockBytes: number; f16At: number[] }> = {
  Q8_0: { blockBytes: 34, f16At: [0] },
  Q4_0: { blockBytes: 18, f16At: [0] },
  Q4_K: { blockBytes: 144, f16At: [0, 2] },
  Q5_K: { blockBytes: 176, f16At: [0, 2] },
  Q6_K: { blockBytes: 210, f16At: [208] },
};

/** `blocks` random blocks of a quant format: random bytes, with finite moderate f16 scales. */
export function randomQuantBlocks(format: keyof typeof SCALE_FIELDS, blocks: number, rand: () => number): Uint8Array {
  const { blockBytes, f16At } = SCALE_FIELDS[format]!;
  const out = randomBytes(rand, blocks * blockBytes);
  for (let b = 0; b < blocks; b++) for (const at of f16At) putU16(out, b * blockBytes + at, randomScaleF16(rand));
  return out;
}
