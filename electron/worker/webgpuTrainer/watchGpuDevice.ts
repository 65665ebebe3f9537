/** The little of a GPUDevice the watch needs (the Node type-check has no WebGPU types). */
export interface WatchedGpuDevice {
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener(type: "uncapturederror", listener: (event: { error?: { message?: string; constructor?: { name?: string } } }) => void): void;
}

/**
 * Calls `fail` once with an error the step-down reads as the GPU running out of memory (recommend/looksOutOfMemory):
 * when the device is lost (a driver reset, the OS reclaiming the GPU; "destroyed" at the page's own end is not a
 * failure) or a GPU allocation fails (an uncaptured GPUOutOfMemoryError: tfjs does not check its buffers). Other
 * uncaptured errors are left to the failing operation.
 */
export function watchGpuDevice(device: WatchedGpuDevice, fail: (error: Error) => void): void {
  let failed = false;
  const once = (name: string, message: string) => {
    if (failed) return;
    failed = true;
    const error = new Error(message);
    error.name = name;
    fail(error);
  };
  void device.lost.then((info) => {
    if (info.reason === "destroyed") return;
    once("GpuDeviceLost", `the GPU device was lost during training (${info.reason ?? "unknown"}${info.message ? `: ${info.message.split("\n")[0]}` : ""})`);
  });
  device.addEventListener("uncapturederror", (event) => {
    if (event.error?.constructor?.name !== "GPUOutOfMemoryError") return;
    once("GPUOutOfMemoryError", `GPUOutOfMemoryError: a GPU allocation failed${event.error.message ? ` (${event.error.message.split("\n")[0]})` : ""}`);
  });
}
