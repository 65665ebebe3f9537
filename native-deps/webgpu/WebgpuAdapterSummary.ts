/** What `lora-studio doctor` and the backend choice say about a WebGPU adapter (GPUAdapterInfo plus two limits). */
export interface WebgpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** Bytes: the largest buffer the adapter creates. */
  maxBufferSize: number;
  /** Bytes: the largest buffer one shader binds; larger tensors must be split (see electron/engine/model/vocabChunks.ts). */
  maxStorageBufferBindingSize: number;
}

interface AdapterLike {
  info?: Partial<Record<"vendor" | "architecture" | "device" | "description", string>> & { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

export function summarizeAdapter(adapter: AdapterLike): WebgpuAdapterSummary {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    maxBufferSize: Number(adapter.limits.maxBufferSize),
    maxStorageBufferBindingSize: Number(adapter.limits.maxStorageBufferBindingSize),
  };
}

/** "google swiftshader (SwiftShader Device (Subzero)), buffers up to 1024 MiB, bindings up to 1024 MiB". */
export function describeAdapter(a: WebgpuAdapterSummary): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(" ") || "unnamed adapter";
  const detail = a.description || a.device;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  return `${name}${detail ? ` (${detail})` : ""}, buffers up to ${mib(a.maxBufferSize)}, bindings up to ${mib(a.maxStorageBufferBindingSize)}`;
}
