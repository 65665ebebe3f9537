/**
 * The q/k row permutation of llama-arch GGUF files (FORMATS.md): llama.cpp's converter reorders the rows of
 * attn_q / attn_k so that RoPE on adjacent pairs in GGUF layout equals Hugging Face's rotate-half in HF layout.
 * Rows are the output dimension of a row-major [rows][cols] matrix (PyTorch's weight or LoRA B [out, r]);
 * nh is n_head for q and n_head_kv for k.
 */

/** GGUF -> HF: hf[h*hd + k] = gguf[h*hd + 2*(k % (hd/2)) + floor(k / (hd/2))]. */
export function ggufRowsToHf(values: Float32Array, rows: number, cols: number, nh: number): Float32Array {
  return moveRows(values, rows, cols, nh, (hd, k) => 2 * (k % (hd / 2)) + Math.floor(k / (hd / 2)));
}

/** HF -> GGUF: gguf[h*hd + 2*i + j] = hf[h*hd + j*(hd/2) + i], i.e. gguf row k comes from hf row (k % 2)*(hd/2) + floor(k/2). */
export function hfRowsToGguf(values: Float32Array, rows: number, cols: number, nh: number): Float32Array {
  return moveRows(values, rows, cols, nh, (hd, k) => (k % 2) * (hd / 2) + Math.floor(k / 2));
}

/** out row h*hd + k = in row h*hd + source(hd, k). */
function moveRows(values: Float32Array, rows: number, cols: number, nh: number, source: (hd: number, k: number) => number): Float32Array {
  if (values.length !== rows * cols) throw new Error(`q/k permutation: ${values.length} values are not ${rows} x ${cols}`);
  const hd = rows / nh;
  if (!Number.isInteger(hd) || hd % 2 !== 0) throw new Error(`q/k permutation: ${rows} rows cannot be split into ${nh} heads of even width`);
  const out = new Float32Array(values.length);
  for (let h = 0; h < nh; h++) {
    for (let k = 0; k < hd; k++) {
      const from = (h * hd + source(hd, k)) * cols;
      out.set(values.subarray(from, from + cols), (h * hd + k) * cols);
    }
  }
  return out;
}
