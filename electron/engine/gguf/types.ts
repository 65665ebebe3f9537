/** The GGUF container's shapes, shared by the reader and the writer. See ../shared/docs/FORMATS.md. */

/** GGUF metadata value types (gguf.h). */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufValueTypeId = (typeof GgufValueType)[keyof typeof GgufValueType];

/** Scalars: 64-bit integers are bigint, other numbers number, BOOL boolean, STRING string. */
export type GgufScalar = number | bigint | boolean | string;

/** One metadata entry with its stored type, so that a file can be rewritten exactly. */
export type GgufKv =
  | { key: string; type: Exclude<GgufValueTypeId, 9>; value: GgufScalar }
  | { key: string; type: 9; itemType: Exclude<GgufValueTypeId, 9>; value: GgufScalar[] }
  | { key: string; type: 9; itemType: 9; value: GgufNestedArray[] };

/**
 * An array inside an array. The format allows it and gguf-py reads it, but llama.cpp rejects such files,
 * so real models never hold one; it exists so the reader and writer cover the whole format.
 */
export type GgufNestedArray =
  | { itemType: Exclude<GgufValueTypeId, 9>; value: GgufScalar[] }
  | { itemType: 9; value: GgufNestedArray[] };

export interface GgufTensorInfo {
  name: string;
  /** ggml `ne` order: dims[0] is the contiguous dimension (PyTorch shape reversed). */
  dims: number[];
  /** ggml type id (see ggmlType.ts). */
  type: number;
  /** Absolute byte offset of the tensor's data in the file. */
  fileOffset: number;
  byteLength: number;
  elementCount: number;
}
