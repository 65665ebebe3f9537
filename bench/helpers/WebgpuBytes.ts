import * as tf from "@tensorflow/tfjs-core";

/**
 * GPU buffer bytes on the webgpu backend, the counterpart of WasmLiveBytes for runTrainSteps. tfjs's buffer
 * manager counts what it allocated on the device (its pool included, as the GPU sees it) and what live tensors
 * use. Sampled, not hooked: `sample()` after each step (and at the points the caller cares about), so the peak
 * is a lower bound of the true one within a step. WebGPU reports no free VRAM; this is what the engine allocates.
 */
export class WebgpuBytes {
  private peakBytes = 0;

  static attach(): WebgpuBytes {
    if (tf.getBackend() !== "webgpu") throw new Error(`WebgpuBytes needs the webgpu backend, not ${tf.getBackend()}`);
    return new WebgpuBytes();
  }

  private memory(): { used: number; allocated: number } {
    const m = tf.memory() as { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
    return { used: m.numBytesInGPU ?? 0, allocated: m.numBytesAllocatedInGPU ?? 0 };
  }

  /** Bytes of live tensors on the GPU. */
  get live(): number {
    return this.memory().used;
  }

  /** Highest sampled allocation since resetPeak (buffers tfjs holds on the device, its reuse pool included). */
  get peak(): number {
    return this.peakBytes;
  }

  sample(): void {
    this.peakBytes = Math.max(this.peakBytes, this.memory().allocated);
  }

  resetPeak(): void {
    this.peakBytes = this.memory().allocated;
  }

  /** All GPU buffer bytes tfjs holds now (the "heap" of this backend). */
  heapBytes(): number {
    return this.memory().allocated;
  }

  detach(): void {}
}
