/**
 * A one-node ONNX model, written by hand as protobuf bytes (no protobuf library): out = op(a) x op(b), with
 * com.microsoft's FusedMatMul (transA/transB folded into MLAS's GEMM, batch dims broadcast like NumPy). Every
 * dimension is symbolic, so one session serves every shape of a (rankA, rankB, transposeA, transposeB) pattern.
 */
export interface MatMulPattern {
  rankA: number;
  rankB: number;
  transposeA: boolean;
  transposeB: boolean;
}

const FLOAT = 1;
const ATTRIBUTE_INT = 2;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const text = (s: string) => [...new TextEncoder().encode(s)];
/** A length-delimited field (wire type 2): strings, bytes and nested messages. */
const field = (num: number, bytes: number[]) => [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
/** A varint field (wire type 0). */
const int = (num: number, value: number) => [...varint(num << 3), ...varint(value)];

function valueInfo(name: string, dims: string[]): number[] {
  const shape = dims.flatMap((d) => field(1, field(2, text(d)))); // TensorShapeProto.dim { dim_param }
  const tensorType = [...int(1, FLOAT), ...field(2, shape)]; // TypeProto.Tensor { elem_type, shape }
  return [...field(1, text(name)), ...field(2, field(1, tensorType))]; // ValueInfoProto { name, type { tensor_type } }
}

const intAttribute = (name: string, value: number) => field(5, [...field(1, text(name)), ...int(3, value), ...int(20, ATTRIBUTE_INT)]);

export function matMulModelBytes(p: MatMulPattern): Uint8Array {
  if (p.rankA < 2 || p.rankB < 2) throw new Error(`matMulModelBytes needs rank >= 2 operands, got ${p.rankA} and ${p.rankB}`);
  const dimsA = Array.from({ length: p.rankA }, (_, i) => `a${i}`);
  const dimsB = Array.from({ length: p.rankB }, (_, i) => `b${i}`);
  const outRank = Math.max(p.rankA, p.rankB);
  const dimsOut = Array.from({ length: outRank }, (_, i) => `o${i}`);
  const node = [
    ...field(1, text("a")),
    ...field(1, text("b")),
    ...field(2, text("out")),
    ...field(3, text("matmul")),
    ...field(4, text("FusedMatMul")),
    ...intAttribute("transA", p.transposeA ? 1 : 0),
    ...intAttribute("transB", p.transposeB ? 1 : 0),
    ...field(7, text("com.microsoft")),
  ];
  const graph = [...field(1, node), ...field(2, text("g")), ...field(11, valueInfo("a", dimsA)), ...field(11, valueInfo("b", dimsB)), ...field(12, valueInfo("out", dimsOut))];
  const model = [
    ...int(1, 8), // ir_version
    ...field(8, [...field(1, []), ...int(2, 17)]), // opset_import { domain "", version 17 }
    ...field(8, [...field(1, text("com.microsoft")), ...int(2, 1)]),
    ...field(7, graph),
  ];
  return Uint8Array.from(model);
}
