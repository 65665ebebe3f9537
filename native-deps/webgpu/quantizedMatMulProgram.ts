import { ggmlTypeName, type GgmlTypeId } from "../../electron/engine/gguf/ggmlType";
import { dequantizeWgsl } from "./dequantizeWgsl";

/** Output tile per workgroup (TILE x TILE), and the reduction step; 8 x 8 threads, 4 x 4 outputs each. */
const TILE = 32;
const THREADS = 8;
const PER_THREAD = TILE / THREADS;

/** The matrix a QuantizedMatMulProgram reads: GGUF rows [outDim][inDim], a window of `count` rows from `offset`. */
export interface QuantizedMatMulShape {
  type: GgmlTypeId;
  rows: number;
  inDim: number;
  /** Bytes per GGUF row (inDim / blockSize * typeSize). */
  rowBytes: number;
  /** First W row used (a vocabulary chunk of the head); 0 for a whole projection. */
  offset: number;
  /** W rows used. */
  count: number;
  /** false: y = A @ W^T, A [rows, inDim] -> [rows, count]; true: dX = A @ W, A [rows, count] -> [rows, inDim]. */
  backward: boolean;
}

/**
 * A tfjs-backend-webgpu GPGPU program (the backend's WebGPUProgram interface, run with runWebGPUProgram) for a
 * frozen GGUF weight W kept as its raw blocks: inputs A (float32) and W (the bytes as int32 words), float32
 * accumulation. Forward y = A @ W[offset..offset+count]^T, backward dX = A @ W[offset..offset+count]. Each
 * workgroup computes a 32 x 32 output tile: it stages 32 x 32 of A and 32 x 32 weights, dequantized from the blocks
 * into workgroup memory (the same rows-of-W tile in both directions: only which index is reduced differs), then
 * each thread accumulates 4 x 4 outputs.
 */
export class QuantizedMatMulProgram {
  readonly variableNames = ["A", "W"];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [THREADS, THREADS, 1];
  readonly uniforms = "rows: i32, inDim: i32, count: i32, rowBytes: i32, offset: i32,";

  constructor(readonly shape: QuantizedMatMulShape) {
    const cols = shape.backward ? shape.inDim : shape.count;
    this.outputShape = [shape.rows, cols];
    this.dispatch = [Math.ceil(cols / TILE), Math.ceil(shape.rows / TILE), 1];
    this.shaderKey = `loraStudioQuantizedMatMul_${ggmlTypeName(shape.type)}_${shape.backward ? "backward" : "forward"}`;
  }

  /** The uniform values, in the order of `uniforms`. */
  uniformData(): { type: string; data: number[] }[] {
    const { rows, inDim, count, rowBytes, offset } = this.shape;
    return [rows, inDim, count, rowBytes, offset].map((v) => ({ type: "int32", data: [v] }));
  }

  getUserCode(): string {
    const backward = this.shape.backward;
    // Forward: output column = W row, reduction over inDim (W columns). Backward: output column = W column,
    // reduction over W rows. The staged W tile is always wTile[W row][W column].
    const stageW = backward
      ? `let wRow = t0 + r; let wCol = c0 + kc;`
      : `let wRow = c0 + r; let wCol = t0 + kc;`;
    const reduceLen = backward ? "uniforms.count" : "uniforms.inDim";
    const aWidth = backward ? "uniforms.count" : "uniforms.inDim";
    const outWidth = backward ? "uniforms.inDim" : "uniforms.count";
    const P = `${PER_THREAD}u`;
    const product = backward ? `aTile[ty * ${P} + i][k] * wTile[k][tx * ${P} + j]` : `aTile[ty * ${P} + i][k] * wTile[tx * ${P} + j][k]`;
    return `
  ${dequantizeWgsl(this.shape.type)}

  var<workgroup> aTile: array<array<f32, ${TILE}>, ${TILE}>;
  var<workgroup> wTile: array<array<f32, ${TILE}>, ${TILE}>;

  fn main() {
    let tx = localId.x;
    let ty = localId.y;
    let c0 = workgroupId.x * ${TILE}u;
    let r0 = workgroupId.y * ${TILE}u;
    let rows = u32(uniforms.rows);
    let inDim = u32(uniforms.inDim);
    let count = u32(uniforms.count);
    let reduceLen = u32(${reduceLen});
    let aWidth = u32(${aWidth});
    // Staging: thread t loads 16 consecutive elements of row t / 2 of each tile.
    let t = localIndex;
    let r = t / 2u;
    let kh = (t % 2u) * 16u;
    var acc: array<array<f32, ${PER_THREAD}>, ${PER_THREAD}>;
    for (var t0 = 0u; t0 < reduceLen; t0 = t0 + ${TILE}u) {
      for (var e = 0u; e < 16u; e = e + 1u) {
        let kc = kh + e;
        var a = 0.0;
        if (r0 + r < rows && t0 + kc < reduceLen) {
          a = A[(r0 + r) * aWidth + t0 + kc];
        }
        aTile[r][kc] = a;
        ${stageW}
        var w = 0.0;
        if (wRow < count && wCol < inDim) {
          w = dequant(u32(uniforms.rowBytes) * (wRow + u32(uniforms.offset)), wCol);
        }
        wTile[r][kc] = w;
      }
      workgroupBarrier();
      for (var k = 0u; k < ${TILE}u; k = k + 1u) {
        for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
          for (var j = 0u; j < ${PER_THREAD}u; j = j + 1u) {
            acc[i][j] = acc[i][j] + ${product};
          }
        }
      }
      workgroupBarrier();
    }
    let outWidth = u32(${outWidth});
    for (var i = 0u; i < ${PER_THREAD}u; i = i + 1u) {
      for (var j = 0u; j < ${PER_THREAD}u; j = j + 1u) {
        let row = r0 + ty * ${PER_THREAD}u + i;
        let col = c0 + tx * ${PER_THREAD}u + j;
        if (row < rows && col < outWidth) {
          result[row * outWidth + col] = acc[i][j];
        }
      }
    }
  }
`;
  }
}
