import type { DataType, TensorInfo } from "@tensorflow/tfjs-core";

/**
 * The parts of tfjs-backend-wasm's BackendWasm (4.22) that the fast kernels reach into. Some are private in
 * its typings (dataIdNextNumber), so this is a structural view rather than the exported class.
 */
export interface WasmBackendInternals {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: DataType; refCount: number } | undefined };
  /** Next free tensor id; shared by every tensor the wasm module knows, so views take theirs from it too. */
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export interface WasmModule {
  HEAPU8: Uint8Array;
  cwrap(name: string, returnType: null | "number", argTypes: ("number" | "array")[]): (...args: unknown[]) => unknown;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    /** Forgets the id and runs its disposal callbacks (e.g. deletes XNNPACK operators cached on it); frees no memory. */
    disposeData(id: number): void;
    getThreadsCount(): number;
  };
}

export function asWasmBackend(backend: unknown): WasmBackendInternals {
  const b = backend as Partial<WasmBackendInternals>;
  if (!b?.wasm?.tfjs || !b.dataIdMap || typeof b.dataIdNextNumber !== "number") {
    throw new Error("expected the tfjs wasm backend (tfjs-backend-wasm 4.22 internals: wasm.tfjs, dataIdMap, dataIdNextNumber)");
  }
  return b as WasmBackendInternals;
}

/** The wasm-module id of a tensor's data (what the C++ kernels take). */
export function wasmId(backend: WasmBackendInternals, dataId: object): number {
  const entry = backend.dataIdMap.get(dataId);
  if (!entry) throw new Error("tensor data is not on the wasm backend (disposed, or on another backend)");
  return entry.id;
}

export function memoryOffset(backend: WasmBackendInternals, dataId: object): number {
  return backend.dataIdMap.get(dataId)!.memoryOffset;
}

/**
 * Registers `size` float32s at `byteOffset` of the wasm heap as a tensor the C++ side can address, without
 * allocating. Release it with releaseView, never through backend.disposeData (that would free the parent's memory).
 */
export function registerView(backend: WasmBackendInternals, byteOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, byteOffset);
  return id;
}

/** Forgets a view: its disposal callbacks run, so an XNNPACK operator cached on it (packed weights) is freed. */
export function releaseView(backend: WasmBackendInternals, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}
