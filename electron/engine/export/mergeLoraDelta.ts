import type { AdapterPair } from "../lora/readAdapterPairs";

/**
 * W + scale · B·A in place, on a GGUF base tensor's values (ne [in, out], i.e. row-major [out][in]) with the pair in
 * PyTorch layout (B [out, r], A [r, in]). Sums in float64, one rounding to float32 per weight.
 */
export function mergeLoraDelta(w: Float32Array, pair: AdapterPair, scale: number): void {
  const { r, inDim, outDim, a, b } = pair;
  if (w.length !== inDim * outDim) throw new Error(`merge ${pair.baseName}: base has ${w.length} values, the adapter expects ${outDim} x ${inDim}`);
  const row = new Float64Array(inDim);
  for (let o = 0; o < outDim; o++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const f = b[o * r + k]!;
      if (f === 0) continue;
      const ak = k * inDim;
      for (let i = 0; i < inDim; i++) row[i] += f * a[ak + i]!;
    }
    const wo = o * inDim;
    for (let i = 0; i < inDim; i++) w[wo + i] = w[wo + i]! + scale * row[i]!;
  }
}
