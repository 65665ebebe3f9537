import * as tf from "@tensorflow/tfjs-core";

interface WasmHeapModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  /** The module's raw exports. */
  asm?: { malloc?: (bytes: number) => number; free?: (ptr: number) => void };
}

/**
 * Live and peak bytes of tensor memory on the wasm backend, counted at the backend's own malloc/free calls.
 * Note: not tf.memory().numBytes, which counts a tensor shared through the fast Identity kernel once per
 * reference (see ../shared/docs/TFJS.md, Memory); not the heap size alone, which never shrinks. Allocations
 * made inside C++ kernels (XNNPACK's packed weights, scratch) are not counted; `heapBytes()` includes them.
 */
export class WasmLiveBytes {
  private readonly sizes = new Map<number, number>();
  private liveBytes = 0;
  private peakBytes = 0;
  private restore: (() => void) | undefined;

  private constructor(private readonly wasm: WasmHeapModule) {}

  /** Starts counting; tensors allocated before are not in `live` (their frees are ignored). */
  static attach(): WasmLiveBytes {
    const backend = tf.backend() as unknown as { wasm?: WasmHeapModule };
    if (tf.getBackend() !== "wasm" || !backend.wasm) throw new Error(`WasmLiveBytes needs the wasm backend, not ${tf.getBackend()}`);
    const meter = new WasmLiveBytes(backend.wasm);
    // Note: the raw exports: Emscripten's _malloc/_free start as stubs that replace themselves on first call,
    // which would also replace a wrapper installed before that call.
    const wasm = backend.wasm;
    const malloc = wasm.asm?.malloc ?? wasm._malloc;
    const free = wasm.asm?.free ?? wasm._free;
    backend.wasm._malloc = (bytes: number) => {
      const ptr = malloc(bytes);
      meter.sizes.set(ptr >>> 0, bytes);
      meter.liveBytes += bytes;
      meter.peakBytes = Math.max(meter.peakBytes, meter.liveBytes);
      return ptr;
    };
    backend.wasm._free = (ptr: number) => {
      const bytes = meter.sizes.get(ptr >>> 0);
      if (bytes !== undefined) {
        meter.sizes.delete(ptr >>> 0);
        meter.liveBytes -= bytes;
      }
      free(ptr);
    };
    meter.restore = () => {
      wasm._malloc = malloc;
      wasm._free = free;
    };
    return meter;
  }

  get live(): number {
    return this.liveBytes;
  }

  get peak(): number {
    return this.peakBytes;
  }

  /** Starts a new peak from the current live bytes. */
  resetPeak(): void {
    this.peakBytes = this.liveBytes;
  }

  /** The whole wasm heap (a high-water mark: it never shrinks). */
  heapBytes(): number {
    return this.wasm.HEAPU8.buffer.byteLength;
  }

  detach(): void {
    this.restore?.();
    this.restore = undefined;
  }
}
