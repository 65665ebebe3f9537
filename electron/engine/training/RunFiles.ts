import type { GgufByteSource } from "../gguf/byteSource";
import type { LoraConfig } from "../lora/LoraConfig";
import type { LoraWeights } from "../lora/LoraAdapter";
import type { TrainingSequence } from "./makeBatch";
import type { TrainingEvent } from "./trainingEvents";

/**
 * The file operations of checkpoints (checkpointStore), free of Node so that a browser page can train: in a
 * training process they are node:fs (nodeRunFiles), in the Electron app's hidden trainer window they are requests
 * to the main process, which checks every path is inside the run folder (electron/worker/webgpuTrainer).
 * Errors keep Node's `code` (ENOSPC, ENOENT...), which the callers read.
 */
export interface RunFiles {
  /** Joins path segments with the separator of the machine the files are on. */
  join(...parts: string[]): string;
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  readFile(path: string): Promise<Uint8Array>;
  /** Writes the chunks as one file and flushes it to disk before resolving. */
  writeFile(path: string, chunks: ArrayBufferView[]): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or a folder with its contents; nothing there is not an error. */
  rm(path: string): Promise<void>;
  /** Hex sha256 of the chunks, as one stream. */
  sha256(chunks: ArrayBufferView[]): Promise<string>;
  /** Unique to this process among those writing the same folder: part of temporary names. */
  readonly tmpTag: string;
}

/**
 * Everything a training run reads and writes besides its tensors, injected into runTrainingLoop: the Node
 * training process passes node:fs and the tfjs backends of native-deps (runTrainingJob), the hidden trainer
 * window passes requests over its MessagePort and Chromium's own WebGPU.
 */
export interface RunEnvironment {
  files: RunFiles;
  /** Opens the base model for reads by range. */
  openModel(path: string): Promise<GgufByteSource>;
  /** Prepared sequences (JSONL of {tokens, lossMask}); a malformed line is an error naming file and line. */
  readSequences(path: string): Promise<TrainingSequence[]>;
  /**
   * Appends each event as one line to metrics.jsonl (before it reaches the parent, so a crash loses none); a full
   * disk throws DiskFullError from the call that found it (or, where writes are asynchronous, the next one).
   */
  metricsWriter(metricsPath: string, runDir: string): (e: TrainingEvent) => void;
  /** Writes a GGUF LoRA adapter (atomically: a failure leaves no file); a full disk throws DiskFullError. */
  writeAdapter(path: string, weights: LoraWeights, lora: LoraConfig, architecture: string): Promise<void>;
  /** Makes a tfjs backend current; `prefer` is the job's forced backend. */
  initBackend(prefer: TfjsBackendPreference | undefined): Promise<{ backend: string; gpuNotice?: string }>;
}

export type TfjsBackendPreference = "tensorflow-gpu" | "webgpu" | "tensorflow" | "wasm" | "cpu";
