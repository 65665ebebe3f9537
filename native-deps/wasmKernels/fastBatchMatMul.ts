import {
  BatchMatMul,
  broadcast_util,
  getKernel,
  Transpose,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { disableNativeMatMul, nativeMatMulFor } from "../nativeMatmul/nativeMatMul";
import { asWasmBackend, memoryOffset, registerView, releaseView, wasmId, type WasmBackendInternals, type WasmModule } from "./wasmInternals";

type XnnMatMul = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number, transposeA: number, transposeB: number, outId: number) => void;

const matMulFns = new WeakMap<WasmModule, XnnMatMul>();

/**
 * The wasm module's own BatchMatMul entry point. Called only with batch-1, non-transposed rank-3 shapes, which
 * is the one case where the C++ side uses XNNPACK (a cached fully-connected operator keyed by the B tensor id)
 * instead of its scalar loop.
 */
function xnnMatMul(backend: WasmBackendInternals): XnnMatMul {
  let fn = matMulFns.get(backend.wasm);
  if (!fn) {
    fn = backend.wasm.cwrap(BatchMatMul, null, ["number", "array", "number", "number", "array", "number", "number", "number", "number"]) as XnnMatMul;
    matMulFns.set(backend.wasm, fn);
  }
  return fn;
}

const shapeBytes = (rows: number, cols: number): Uint8Array => new Uint8Array(new Int32Array([1, rows, cols]).buffer);

/**
 * K x N each tensor was last used with as XNNPACK weights under its own id. XNNPACK caches the packed operator by
 * id alone, and a reshape shares the id: a tensor reused as weights with another K x N would hit the stale
 * operator (stock has this hazard). Such a call gets a fresh view id instead.
 */
const weightShapes = new WeakMap<object, string>();

/**
 * BatchMatMul for the wasm backend that never takes the C++ scalar loop: transposed operands are transposed
 * explicitly (the backend's own Transpose kernel), batch dims broadcast like NumPy (the output shape tfjs-core
 * declares; stock pairs batch entries by flat index modulo, wrong for e.g. [2,1] x [1,2]), and each batch
 * entry is one XNNPACK product on views of the wasm heap. With MLAS loaded (configureNativeMatMul), products of at
 * least its minFlops go to it instead, in place on the wasm heap.
 */
export const fastBatchMatMul: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  const backend = asWasmBackend(anyBackend);
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error(`BatchMatMul for non non-float32 tensors not yet supported.`);
  }
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  util.assert(
    k === kB,
    () => `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outerOut = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = util.sizeFromShape(outerA);
  const batchB = util.sizeFromShape(outerB);
  const batchOut = util.sizeFromShape(outerOut);

  const out = backend.makeOutput([batchOut, m, n], "float32");
  const result = { ...out, shape: [...outerOut, m, n] };
  if (batchOut * m * n === 0) return result;
  if (k === 0) {
    backend.typedArrayFromHeap(out).fill(0);
    return result;
  }
  const native = nativeMatMulFor(2 * batchOut * m * k * n);
  if (native) {
    // MLAS reads the operands where they lie (transposes folded into its GEMM) and writes the output in place.
    const heap = backend.wasm.HEAPU8.buffer;
    const view = (t: TensorInfo) => new Float32Array(heap, memoryOffset(backend, t.dataId), util.sizeFromShape(t.shape));
    try {
      native.run({ rankA: aRank, rankB: bRank, transposeA, transposeB }, view(a), a.shape, view(b), b.shape, view(result), result.shape);
      return result;
    } catch (error) {
      // A native failure must not end the run: XNNPACK computes this product and every later one.
      disableNativeMatMul(`onnxruntime-node failed on [${a.shape}] x [${b.shape}] and was turned off: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  const aRows = rowMajor(backend, a, batchA, m, k, transposeA);
  const bRows = rowMajor(backend, b, batchB, k, n, transposeB);
  try {
    if (batchB === 1) {
      // One product over the rows of every A batch: B is shared, and A's batches are contiguous rows.
      product(backend, aRows.dataId, batchA * m, k, bRows, n, out.dataId);
    } else {
      batchedProducts(backend, aRows.dataId, batchA, outerA, bRows.dataId, outerB, outerOut, m, k, n, out.dataId);
    }
  } finally {
    if (aRows.temporary) backend.disposeData(aRows.dataId);
    if (bRows.temporary) backend.disposeData(bRows.dataId);
  }
  return result;
};

interface Operand {
  dataId: object;
  /** Made here (an explicit transpose): dispose after the product. */
  temporary: boolean;
}

/** The operand as row-major [batch, rows, cols] data: the tensor itself, or its explicit transpose. */
function rowMajor(backend: WasmBackendInternals, x: TensorInfo, batch: number, rows: number, cols: number, transposed: boolean): Operand {
  // A transposed matrix with a single row or column has the same memory layout as the plain one.
  if (!transposed || rows === 1 || cols === 1) return { dataId: x.dataId, temporary: false };
  const transpose = getKernel(Transpose, "wasm");
  if (!transpose) throw new Error("the wasm backend has no Transpose kernel registered");
  const stored: TensorInfo = { dataId: x.dataId, shape: [batch, cols, rows], dtype: x.dtype };
  const t = transpose.kernelFunc({ inputs: { x: stored }, backend: backend as never, attrs: { perm: [0, 2, 1] } }) as TensorInfo;
  return { dataId: t.dataId, temporary: true };
}

/** out[rows, n] = a[rows, k] x b[k, n] over whole tensors; B keeps its own id so XNNPACK's packed copy is reused. */
function product(backend: WasmBackendInternals, aDataId: object, rows: number, k: number, b: Operand, n: number, outDataId: object): void {
  const fn = xnnMatMul(backend);
  const aId = wasmId(backend, aDataId);
  const outId = wasmId(backend, outDataId);
  const key = `${k}x${n}`;
  // Note: a temporary B is disposed right after, which frees its operator; a persistent one (a weight) keeps it.
  const reuse = b.temporary || (weightShapes.get(b.dataId) ?? key) === key;
  if (!b.temporary && reuse) weightShapes.set(b.dataId, key);
  const bId = reuse ? wasmId(backend, b.dataId) : registerView(backend, memoryOffset(backend, b.dataId), k * n);
  try {
    fn(aId, shapeBytes(rows, k), 3, bId, shapeBytes(k, n), 3, 0, 0, outId);
  } finally {
    if (!reuse) releaseView(backend, bId);
  }
}

function batchedProducts(
  backend: WasmBackendInternals,
  aDataId: object,
  batchA: number,
  outerA: number[],
  bDataId: object,
  outerB: number[],
  outerOut: number[],
  m: number,
  k: number,
  n: number,
  outDataId: object,
): void {
  const fn = xnnMatMul(backend);
  const aIndex = broadcastIndices(outerA, outerOut);
  const bIndex = broadcastIndices(outerB, outerOut);
  const aBase = memoryOffset(backend, aDataId);
  const bBase = memoryOffset(backend, bDataId);
  const outBase = memoryOffset(backend, outDataId);
  const aShape = shapeBytes(m, k);
  const bShape = shapeBytes(k, n);
  // One view per distinct B batch entry, so its packed XNNPACK operator serves every A entry that pairs with it.
  const bViews = new Map<number, number>();
  const views: number[] = [];
  try {
    for (let o = 0; o < aIndex.length; o++) {
      const aId = batchA === 1 ? wasmId(backend, aDataId) : registerView(backend, aBase + aIndex[o] * m * k * 4, m * k);
      if (batchA !== 1) views.push(aId);
      let bId = bViews.get(bIndex[o]);
      if (bId === undefined) {
        bId = registerView(backend, bBase + bIndex[o] * k * n * 4, k * n);
        bViews.set(bIndex[o], bId);
      }
      const outId = registerView(backend, outBase + o * m * n * 4, m * n);
      views.push(outId);
      fn(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
    }
  } finally {
    for (const id of views) releaseView(backend, id);
    for (const id of bViews.values()) releaseView(backend, id);
  }
}

/** For each flat index of the broadcast batch shape, the flat batch index into an operand with dims `outer`. */
export function broadcastIndices(outer: number[], outerOut: number[]): Int32Array {
  const size = util.sizeFromShape(outerOut);
  const indices = new Int32Array(size);
  const pad = outerOut.length - outer.length;
  const coord = new Array<number>(outerOut.length).fill(0);
  for (let o = 0; o < size; o++) {
    let index = 0;
    for (let d = pad; d < outerOut.length; d++) {
      const dim = outer[d - pad];
      index = index * dim + (dim === 1 ? 0 : coord[d]);
    }
    indices[o] = index;
    for (let d = outerOut.length - 1; d >= 0; d--) {
      if (++coord[d] < outerOut[d]) break;
      coord[d] = 0;
    }
  }
  return indices;
}

export const fastBatchMatMulConfig: KernelConfig = { kernelName: BatchMatMul, backendName: "wasm", kernelFunc: fastBatchMatMul };
