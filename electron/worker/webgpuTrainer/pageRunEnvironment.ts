import type * as tfType from "@tensorflow/tfjs-core";
import type { GgufByteSource } from "../../engine/gguf/byteSource";
import type { RunEnvironment, RunFiles } from "../../engine/training/RunFiles";
import type { TrainingSequence } from "../../engine/training/makeBatch";
import { registerWebgpuKernelFixes } from "../../../native-deps/webgpu/registerWebgpuKernelFixes";
import { softwareAdapterReason } from "../../../native-deps/webgpu/softwareAdapterReason";
import { describeAdapter, type WebgpuAdapterSummary } from "../../../native-deps/webgpu/WebgpuAdapterSummary";
import { watchGpuDevice, type WatchedGpuDevice } from "./watchGpuDevice";
import { fromPortError, type HostToPage, type PageToHost, type PortError, type TrainerFileRequest } from "./trainerPortProtocol";

/** The page's end of the port: sends to the main process and hands its replies back. */
export interface PageLink {
  post(message: PageToHost): void;
}

/** WebGPU cannot be used in this window (no adapter, a software one, the backend failed): the app trains on wasm. */
export class WebgpuUnavailableError extends Error {
  override name = "WebgpuUnavailable";
}

/**
 * The trainer page's RunEnvironment: every file goes to the main process over the port (which checks each path),
 * the backend is Chromium's own WebGPU with the same kernel fixes as in Node. `reply` must receive the host's
 * file-reply and metrics-failed messages.
 */
export function pageRunEnvironment(link: PageLink, hello: Extract<HostToPage, { type: "hello" }>, tf: typeof tfType): { env: RunEnvironment; reply(message: HostToPage): void; gpuFailure(): Error | null } {
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let metricsError: PortError | null = null;
  // A lost device or a failed GPU allocation: raised at the next event (as a full disk is), and preferred over
  // whatever error the loop hits after it, so that the step-down reads it as the GPU running out of memory.
  let gpuError: Error | null = null;
  const request = <T>(req: TrainerFileRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      link.post({ type: "file", id, request: req });
    });
  const sep = hello.sep;
  const files: RunFiles = {
    join: (...parts) => parts.filter((p) => p !== "").map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, "") || p : p.replace(/^[\\/]+|[\\/]+$/g, ""))).join(sep),
    mkdir: (path) => request<void>({ op: "mkdir", path }),
    readdir: (path) => request<string[]>({ op: "readdir", path }),
    exists: (path) => request<boolean>({ op: "exists", path }),
    readFile: (path) => request<Uint8Array>({ op: "readFile", path }),
    // Copies: the chunks may be views of tensors the trainer still uses.
    writeFile: (path, chunks) => request<void>({ op: "writeFile", path, chunks: chunks.map((c) => new Uint8Array(c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength))) }),
    rename: (from, to) => request<void>({ op: "rename", from, to }),
    rm: (path) => request<void>({ op: "rm", path }),
    sha256: async (chunks) => {
      const total = chunks.reduce((n, c) => n + c.byteLength, 0);
      const all = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        all.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
        at += c.byteLength;
      }
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
      return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    },
    tmpTag: `page-${Math.random().toString(36).slice(2, 10)}`,
  };
  const env: RunEnvironment = {
    files,
    openModel: async (path): Promise<GgufByteSource> => {
      const { handle, size } = await request<{ handle: number; size: number }>({ op: "open", path });
      let closed = false;
      return {
        path,
        size,
        async read(target, offset, length, position) {
          const bytes = await request<Uint8Array>({ op: "read", handle, position, length });
          target.set(bytes, offset);
          return bytes.length;
        },
        async close() {
          if (closed) return;
          closed = true;
          await request<void>({ op: "close", handle });
        },
      };
    },
    readSequences: (path) => request<TrainingSequence[]>({ op: "readSequences", path }),
    // Appends are sent in order and not awaited (events are synchronous); a failure the host reports is raised at
    // the next event, as a full disk in a training process is raised at the write that found it.
    metricsWriter: (path, runDir) => (event) => {
      if (gpuError) throw gpuError;
      if (metricsError) {
        const e = metricsError;
        throw fromPortError(e);
      }
      link.post({ type: "metrics", path, runDir, event });
    },
    writeAdapter: (path, weights, lora, architecture) => request<void>({ op: "writeAdapter", path, weights, lora, architecture }),
    initBackend: async () => {
      let ok = false;
      try {
        ok = await tf.setBackend("webgpu");
      } catch (error) {
        throw new WebgpuUnavailableError(`WebGPU did not start in the training window (${(error as Error).message.split("\n")[0]})`);
      }
      if (!ok) throw new WebgpuUnavailableError("WebGPU did not start in the training window (no adapter: no GPU, or WebGPU blocked for this GPU)");
      registerWebgpuKernelFixes(tf);
      const device = (tf.backend() as unknown as { device?: WatchedGpuDevice }).device;
      if (device) watchGpuDevice(device, (error) => (gpuError ??= error));
      const summary = adapterSummary(tf);
      const software = softwareAdapterReason(summary);
      if (software && !hello.allowSoftwareAdapter) throw new WebgpuUnavailableError(`${software}: ${describeAdapter(summary)}; never chosen unless forced with LORA_STUDIO_BACKEND=webgpu`);
      return { backend: "webgpu" };
    },
  };
  return {
    env,
    gpuFailure: () => gpuError,
    reply(message) {
      if (message.type === "metrics-failed") {
        metricsError ??= message.error;
        return;
      }
      if (message.type !== "file-reply") return;
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      if (message.ok) p.resolve(message.value);
      else p.reject(fromPortError(message.error));
    },
  };
}

/** What tfjs-backend-webgpu tells of its adapter and device, in the shape doctor and the backend choice use. */
export function adapterSummary(tf: typeof tfType): WebgpuAdapterSummary {
  const backend = tf.backend() as unknown as { adapterInfo?: Record<string, unknown>; device?: { limits?: Record<string, number> } };
  const info = backend.adapterInfo ?? {};
  const text = (k: string) => (typeof info[k] === "string" ? (info[k] as string) : "");
  return {
    vendor: text("vendor"),
    architecture: text("architecture"),
    device: text("device"),
    description: text("description"),
    isFallbackAdapter: info.isFallbackAdapter === true,
    maxBufferSize: Number(backend.device?.limits?.maxBufferSize ?? 0),
    maxStorageBufferBindingSize: Number(backend.device?.limits?.maxStorageBufferBindingSize ?? 0),
  };
}
