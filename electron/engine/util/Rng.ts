/**
 * A small seeded random generator (sfc32) whose whole state is four numbers, so a training run can store it
 * in a checkpoint and a resumed run draws exactly the same numbers as an uninterrupted one.
 */
export class Rng {
  private s: Uint32Array;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.s = new Uint32Array([0x9e3779b9, seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, 1]);
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    rng.s = new Uint32Array(state.slice(0, 4));
    rng.spareNormal = state.length > 4 ? state[4] : undefined;
    return rng;
  }

  state(): number[] {
    const s = Array.from(this.s);
    return this.spareNormal === undefined ? s : [...s, this.spareNormal];
  }

  nextUint32(): number {
    const s = this.s;
    const t = (s[0]! + s[1]! + s[3]!) >>> 0;
    s[3] = (s[3]! + 1) >>> 0;
    s[0] = s[1]! ^ (s[1]! >>> 9);
    s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
    s[2] = (s[2]! + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** A stable 32-bit hash of a string (FNV-1a), for deriving per-tensor seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
