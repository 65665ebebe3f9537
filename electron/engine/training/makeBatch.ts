/** What the trainer consumes: token ids and a 0/1 loss mask of the same length (1 = learn to predict this token). */
export interface TrainingSequence {
  tokens: number[];
  lossMask: number[];
}

export interface Batch {
  /** Model inputs [B][T]: each sequence without its last token, right-padded with token 0. */
  inputs: number[][];
  /** Next-token targets, flattened [B*T]. */
  targets: Int32Array;
  /** 1 where the target is a completion token to learn, 0 on prompts and padding; flattened [B*T]. */
  mask: Float32Array;
  /** Tokens that count in the loss. */
  lossTokens: number;
  /** Tokens processed (inputs without padding), for throughput. */
  tokens: number;
  /** Sequences that were longer than seqLen + 1 and lost their end. */
  truncated: number;
}

/** Rows are padded to a multiple of this, so the number of distinct shapes (and RoPE tables) stays small. */
const LENGTH_BUCKET = 16;

/**
 * Builds one batch: sequences cut to seqLen + 1 tokens (inputs and targets are shifted by one), padded to a
 * common length. The mask at position t belongs to the target token t + 1, so a completion token is learned
 * where it is predicted.
 */
export function makeBatch(sequences: readonly TrainingSequence[], seqLen: number): Batch {
  if (sequences.length === 0) throw new Error("makeBatch: no sequences");
  let truncated = 0;
  const cut = sequences.map((s) => {
    if (s.tokens.length !== s.lossMask.length) {
      throw new Error(`a training sequence has ${s.tokens.length} tokens but ${s.lossMask.length} loss-mask entries`);
    }
    if (s.tokens.length > seqLen + 1) truncated++;
    return { tokens: s.tokens.slice(0, seqLen + 1), lossMask: s.lossMask.slice(0, seqLen + 1) };
  });
  const longest = Math.max(...cut.map((s) => s.tokens.length - 1));
  if (longest < 1) throw new Error("every sequence in the batch has fewer than 2 tokens: nothing to predict");
  const width = Math.min(seqLen, Math.ceil(longest / LENGTH_BUCKET) * LENGTH_BUCKET);
  const inputs: number[][] = [];
  const targets = new Int32Array(cut.length * width);
  const mask = new Float32Array(cut.length * width);
  let lossTokens = 0;
  let tokens = 0;
  cut.forEach((s, row) => {
    const n = s.tokens.length - 1;
    const input = new Array<number>(width).fill(0);
    for (let t = 0; t < n; t++) {
      input[t] = s.tokens[t]!;
      targets[row * width + t] = s.tokens[t + 1]!;
      const m = s.lossMask[t + 1] ? 1 : 0;
      mask[row * width + t] = m;
      lossTokens += m;
    }
    tokens += Math.max(0, n);
    inputs.push(input);
  });
  return { inputs, targets, mask, lossTokens, tokens, truncated };
}
