import { sep } from "node:path";
import { fileByteSource, type GgufByteSource } from "../../engine/gguf/byteSource";
import { metricsWriter, nodeRunEnvironment } from "../../engine/training/runTrainingJob";
import { readSequences } from "../../engine/training/readSequences";
import { nodeRunFiles } from "../../engine/training/nodeRunFiles";
import type { TrainJob, TrainWorkerCommand, TrainWorkerMessage } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";
import type { WorkerPort } from "../../app/training/relayTrainingProcess";
import { toPortError, type HostToPage, type PageToHost, type TrainerFileRequest } from "./trainerPortProtocol";
import { trainerPathGuard, TrainerPathRefusedError } from "./trainerPathGuard";

/** The main process's end of the trainer window's MessagePort (MessagePortMain in the app, a bridge in tests). */
export interface TrainerLink {
  post(message: HostToPage): void;
  onMessage(handler: (message: PageToHost) => void): void;
}

export interface TrainerHostOptions {
  /** The trainer window's renderer process id, read when asked (it changes if the renderer is replaced). */
  pid?: () => number | undefined;
  /** Lets a software adapter (SwiftShader) train: only where the backend was forced (tests). */
  allowSoftwareAdapter?: boolean;
  /** The page has reported its end (done or error): the window is closed then, and `ended` follows. */
  onSettled?: () => void;
}

export interface TrainerHost {
  /** What relayTrainingProcess drives, exactly as it drives a forked or utility worker. */
  port: WorkerPort;
  /**
   * The window is gone: closed after the run (no cause), or its renderer died, hung or was closed early (`cause`
   * in words, reported as the worker's death so the supervisor resumes from the last checkpoint).
   */
  ended(exitCode: number | null, cause?: string): void;
}

/**
 * The host side of the hidden trainer window, free of Electron (electron/main/webgpuTrainerWindow.ts wires it to a
 * BrowserWindow): relays the worker protocol, and serves the page's file requests on node:fs after checking each
 * path against the job (trainerPathGuard): the model and the data are read-only, everything written stays in the
 * run folder. Nothing is served before the job has been sent.
 */
export function createTrainerHost(link: TrainerLink, options: TrainerHostOptions = {}): TrainerHost {
  let guard: ReturnType<typeof trainerPathGuard> | null = null;
  let job: TrainJob | null = null;
  let onWorkerMessage: (message: TrainWorkerMessage) => void = () => {};
  let onExit: (exitCode: number | null, signal: NodeJS.Signals | null, cause?: string) => void = () => {};
  let gone = false;
  let settled = false;
  const sources = new Map<number, GgufByteSource>();
  let nextHandle = 1;
  const writers = new Map<string, (e: TrainingEvent) => void>();

  const checked = (path: unknown, access: Parameters<ReturnType<typeof trainerPathGuard>>[1]) => {
    if (!guard) throw new TrainerPathRefusedError("the trainer window asked for a file before its job was sent; refused");
    return guard(path, access);
  };

  const serveFile = async (request: TrainerFileRequest): Promise<unknown> => {
    switch (request.op) {
      case "open": {
        const source = await fileByteSource(checked(request.path, "model"));
        const handle = nextHandle++;
        sources.set(handle, source);
        return { handle, size: source.size };
      }
      case "read": {
        const source = sources.get(request.handle);
        if (!source) throw new Error(`no open file with handle ${request.handle}`);
        const length = Math.max(0, Math.min(request.length, 1 << 30));
        const target = new Uint8Array(length);
        const n = await source.read(target, 0, length, request.position);
        return target.subarray(0, n);
      }
      case "close": {
        const source = sources.get(request.handle);
        sources.delete(request.handle);
        await source?.close();
        return null;
      }
      case "readSequences":
        return readSequences(checked(request.path, "data"));
      case "mkdir":
        return nodeRunFiles.mkdir(checked(request.path, "run-folder"));
      case "readdir":
        return nodeRunFiles.readdir(checked(request.path, "run-folder"));
      case "exists":
        return nodeRunFiles.exists(checked(request.path, "run-folder"));
      case "readFile":
        return nodeRunFiles.readFile(checked(request.path, "in-run-folder"));
      case "writeFile":
        return nodeRunFiles.writeFile(checked(request.path, "in-run-folder"), request.chunks);
      case "rename":
        return nodeRunFiles.rename(checked(request.from, "in-run-folder"), checked(request.to, "in-run-folder"));
      case "rm":
        return nodeRunFiles.rm(checked(request.path, "in-run-folder"));
      case "writeAdapter":
        return nodeRunEnvironment().writeAdapter(checked(request.path, "in-run-folder"), request.weights, request.lora, request.architecture);
      default:
        throw new Error(`unknown file request ${JSON.stringify((request as { op?: unknown }).op)}`);
    }
  };

  const writeMetrics = (path: string, runDir: string, event: TrainingEvent) => {
    try {
      const file = checked(path, "in-run-folder");
      if (checked(runDir, "run-folder") !== checked(job!.outDir, "run-folder")) throw new TrainerPathRefusedError(`the trainer window named ${runDir} as its run folder, not ${job!.outDir}; refused`);
      let write = writers.get(file);
      if (!write) writers.set(file, (write = metricsWriter(file, runDir)));
      write(event);
    } catch (error) {
      if (!gone) link.post({ type: "metrics-failed", error: toPortError(error) });
    }
  };

  link.onMessage((message) => {
    if (gone) return;
    switch (message.type) {
      case "file":
        void serveFile(message.request).then(
          (value) => !gone && link.post({ type: "file-reply", id: message.id, ok: true, value }),
          (error: unknown) => !gone && link.post({ type: "file-reply", id: message.id, ok: false, error: toPortError(error) }),
        );
        return;
      case "metrics":
        return writeMetrics(message.path, message.runDir, message.event);
      case "done":
      case "error":
        onWorkerMessage(message);
        if (!settled) {
          settled = true;
          options.onSettled?.();
        }
        return;
      default:
        return onWorkerMessage(message);
    }
  });

  link.post(trainerHello(options.allowSoftwareAdapter ?? false));
  return {
    port: {
      get pid() {
        return options.pid?.();
      },
      send(command: TrainWorkerCommand) {
        if (gone) return;
        if (command.type === "start") {
          job = command.job;
          guard = trainerPathGuard(command.job);
        }
        link.post(command);
      },
      onMessage: (handler) => {
        onWorkerMessage = handler;
      },
      onExit: (handler) => {
        onExit = handler;
      },
    },
    ended(exitCode, cause) {
      if (gone) return;
      gone = true;
      for (const source of sources.values()) void source.close().catch(() => {});
      sources.clear();
      // After its report the page's end is the worker's normal exit; before it, a death with its cause.
      onExit(exitCode, null, settled ? undefined : (cause ?? "the training window closed before the run finished"));
    },
  };
}

/** The "hello" the host sends as soon as the port is connected: this machine's path separator, and the adapter rule. */
export function trainerHello(allowSoftwareAdapter: boolean): HostToPage {
  return { type: "hello", sep: sep === "\\" ? "\\" : "/", allowSoftwareAdapter };
}
