import type { TrainingProcessResult } from "../training/forkTrainingWorker";

// A GPU that lost its device (a driver reset, the OS reclaiming it under memory pressure: WebGPU's 'device lost',
// Vulkan's VK_ERROR_DEVICE_LOST, Direct3D's DXGI_ERROR_DEVICE_REMOVED) or failed an allocation (WebGPU's
// GPUOutOfMemoryError, Dawn's and the drivers' out-of-memory codes, TensorFlow's GPU allocator).
const GPU_LOST = /device (is |was |has been )?lost|GPUDeviceLostInfo|VK_ERROR_DEVICE_LOST|DXGI_ERROR_DEVICE_(REMOVED|RESET|HUNG)|device (was )?removed/i;
const GPU_OOM = /GPUOutOfMemoryError|out of (device|GPU|video) memory|VK_ERROR_OUT_OF_(DEVICE|HOST)_MEMORY|E_OUTOFMEMORY|CUDA_ERROR_OUT_OF_MEMORY|CUDA out of memory|failed to allocate .* (on|of) (the )?(GPU|device)|OOM when allocating tensor|ResourceExhaustedError|(buffer|texture)[^.]*out of memory|out of memory[^.]*(buffer|texture)/i;
const HOST_OOM = /out of memory|memory access out of bounds|array buffer allocation failed|cannot allocate|allocation failed|\bOOM\b/i;

/**
 * Dawn in Node (tfjs-backend-webgpu): once the device is lost, or after an allocation it refused, every read rejects
 * with an AbortError that has no message (measured on SwiftShader: device.destroy(), then a tensor's data()).
 */
function deviceLostInDawn(error: { code: string; message: string }): boolean {
  return error.code === "AbortError" && error.message.trim() === "";
}

/** How a training process ran out of memory: "gpu" (device lost, failed GPU allocation), "ram", or null (it did not). */
export function outOfMemoryKind(result: TrainingProcessResult): "gpu" | "ram" | null {
  switch (result.status) {
    case "finished":
      return null;
    case "died":
      if (GPU_LOST.test(result.cause) || GPU_OOM.test(result.cause)) return "gpu";
      return result.signal === "SIGKILL" || result.exitCode === 134 || result.exitCode === 137 ? "ram" : null;
    case "failed": {
      const text = `${result.error.code} ${result.error.message}`;
      if (GPU_LOST.test(text) || GPU_OOM.test(text) || deviceLostInDawn(result.error)) return "gpu";
      return HOST_OOM.test(text) ? "ram" : null;
    }
    default:
      return result satisfies never;
  }
}

/**
 * Whether a training process ended the way running out of memory ends: killed with SIGKILL (the OS's OOM killer),
 * exit code 134/137, or an error that says so; on a GPU, a lost device or a failed GPU allocation. On wasm the 4 GB
 * heap cap shows as "memory access out of bounds" (TFJS.md, Memory), not as a clean out-of-memory error. The
 * step-down (stepDown) retries only these.
 */
export function looksOutOfMemory(result: TrainingProcessResult): boolean {
  return outOfMemoryKind(result) !== null;
}

/** The clear words for a GPU that ran out of memory, put before the step-down's own reason. */
export function gpuOutOfMemoryText(result: TrainingProcessResult): { en: string; zh: string } {
  const text = result.status === "failed" ? result.error.message : result.status === "died" ? result.cause : "";
  const lost = GPU_LOST.test(text) || (result.status === "failed" && deviceLostInDawn(result.error));
  return lost
    ? { en: "The GPU lost its device during training (the driver reset it, most often because the GPU ran out of memory).", zh: "训练中 GPU 设备丢失（驱动重置了它，最常见的原因是显存不足）。" }
    : { en: "The GPU ran out of memory (a GPU allocation failed).", zh: "GPU 显存不足（一次显存分配失败）。" };
}
