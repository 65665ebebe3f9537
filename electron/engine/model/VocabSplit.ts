import * as tf from "@tensorflow/tfjs-core";

/**
 * The most bytes one tensor may have for a shader to bind it: the webgpu device's maxStorageBufferBindingSize
 * (128 MiB to a few GiB on laptops), else unlimited; LORA_STUDIO_MAX_BINDING_BYTES lowers it (tests force small
 * chunks with it on any backend).
 */
export function maxBindingBytes(): number {
  const device = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number } } }).device;
  const limit = tf.getBackend() === "webgpu" ? Number(device?.limits?.maxStorageBufferBindingSize ?? Infinity) : Infinity;
  // globalThis.process: this also runs in a renderer (the hidden trainer window), where there is no process.
  const forced = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.LORA_STUDIO_MAX_BINDING_BYTES);
  return Number.isFinite(forced) && forced > 0 ? Math.min(limit, forced) : limit;
}

/** Rows per chunk of a [vocab, width] float32 table under `limitBytes` (vocab: no split needed). */
export function vocabChunkRows(vocab: number, width: number, limitBytes: number): number {
  if (vocab * width * 4 <= limitBytes) return vocab;
  const rows = Math.floor(limitBytes / (width * 4));
  if (rows < 1) throw new RangeError(`one row of ${width} floats (${width * 4} bytes) exceeds the GPU's binding limit of ${limitBytes} bytes`);
  return rows;
}

/**
 * A frozen [vocab, width] table (the token embedding, or the output head as head^T) held as row chunks that each
 * fit the GPU's binding limit (Qwen2.5-0.5B's float32 embedding is 545 MB), with the three products the engine
 * needs across chunks: the embedding lookup, logits = h @ table^T, and s @ table (the head's backward product).
 */
export class VocabSplit {
  private constructor(
    readonly chunks: tf.Tensor2D[],
    readonly rowsPerChunk: number,
    readonly vocab: number,
    readonly width: number,
  ) {}

  /** Splits `rows` [vocab, width] (disposed) into chunks of `rowsPerChunk`. */
  static fromRows(rows: tf.Tensor2D, rowsPerChunk: number): VocabSplit {
    const [vocab, width] = rows.shape;
    const chunks: tf.Tensor2D[] = [];
    for (let start = 0; start < vocab; start += rowsPerChunk) chunks.push(tf.slice(rows, [start, 0], [Math.min(rowsPerChunk, vocab - start), width]));
    rows.dispose();
    return new VocabSplit(chunks, rowsPerChunk, vocab, width);
  }

  /** table[ids] [n, width]: one gather per chunk that holds any of the ids, then back into the ids' order. */
  gatherRows(ids: ArrayLike<number>): tf.Tensor2D {
    return tf.tidy(() => {
      const byChunk = this.chunks.map(() => [] as number[]);
      const position = this.chunks.map(() => [] as number[]);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const c = Math.floor(id / this.rowsPerChunk);
        byChunk[c]!.push(id - c * this.rowsPerChunk);
        position[c]!.push(i);
      }
      const parts: tf.Tensor2D[] = [];
      const order: number[] = [];
      byChunk.forEach((local, c) => {
        if (local.length === 0) return;
        parts.push(tf.gather(this.chunks[c]!, tf.tensor1d(local, "int32")));
        order.push(...position[c]!);
      });
      const stacked = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
      // inverse[i] = where row i landed in `stacked`
      const inverse = new Int32Array(ids.length);
      order.forEach((i, k) => (inverse[i] = k));
      return tf.gather(stacked, tf.tensor1d(inverse, "int32"));
    });
  }

  /** h [rows, width] @ table^T = [rows, vocab], chunk by chunk. */
  matMulT(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const parts = this.chunks.map((c) => tf.matMul(h, c, false, true) as tf.Tensor2D);
      return parts.length === 1 ? parts[0]! : tf.concat<tf.Tensor2D>(parts, 1);
    });
  }

  /** s [rows, vocab] @ table = [rows, width], summed over chunks. */
  matMul(s: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let sum: tf.Tensor2D | undefined;
      this.chunks.forEach((c, i) => {
        const part = tf.matMul(tf.slice(s, [0, i * this.rowsPerChunk], [s.shape[0], c.shape[0]]), c) as tf.Tensor2D;
        sum = sum ? tf.add<tf.Tensor2D>(sum, part) : part;
      });
      return sum!;
    });
  }

  /** logits = h @ table^T as a frozen op of h: its gradient is dy @ table, nothing saved. */
  frozenLogits(h: tf.Tensor2D): tf.Tensor2D {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: this.matMulT(args[0] as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor) => this.matMul(dy as tf.Tensor2D),
    }));
    return op(h) as tf.Tensor2D;
  }

  dispose(): void {
    tf.dispose(this.chunks);
  }
}
