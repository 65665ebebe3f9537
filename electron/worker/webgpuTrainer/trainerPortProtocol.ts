/**
 * What the hidden trainer window and the main process say to each other over their MessagePort: the training
 * worker's own protocol (TrainWorkerCommand / TrainWorkerMessage, as a forked or utility worker speaks it), plus the
 * page's file requests, which the main process answers after checking each path (trainerHost.ts). A browser page
 * has no file system: the model's bytes, the prepared data, checkpoints, metrics and adapters all go through here.
 */
import type { LoraConfig } from "../../engine/lora/LoraConfig";
import type { LoraWeights } from "../../engine/lora/LoraAdapter";
import type { TrainWorkerCommand, TrainWorkerMessage } from "../../engine/training/TrainJob";
import type { TrainingEvent } from "../../engine/training/trainingEvents";

/** The MessagePort's channel name, and the message the trainer page's preload forwards the port with. */
export const TRAINER_PORT_MESSAGE = "lora-studio:trainer-port";

export type TrainerFileRequest =
  /** The base model, for reads by range. */
  | { op: "open"; path: string }
  | { op: "read"; handle: number; position: number; length: number }
  | { op: "close"; handle: number }
  /** A prepared data file (train or validation), parsed by the host. */
  | { op: "readSequences"; path: string }
  | { op: "mkdir"; path: string }
  | { op: "readdir"; path: string }
  | { op: "exists"; path: string }
  | { op: "readFile"; path: string }
  | { op: "writeFile"; path: string; chunks: Uint8Array[] }
  | { op: "rename"; from: string; to: string }
  | { op: "rm"; path: string }
  | { op: "writeAdapter"; path: string; weights: LoraWeights; lora: LoraConfig; architecture: string };

/** An error as it crosses the port: its class name, message and Node's code (ENOSPC...), which callers read. */
export interface PortError {
  name: string;
  message: string;
  code?: string;
}

/** From the page to the main process. */
export type PageToHost =
  | TrainWorkerMessage
  | { type: "file"; id: number; request: TrainerFileRequest }
  /** One metrics.jsonl line; the host appends it (cut back on a full disk, as metricsWriter does). */
  | { type: "metrics"; path: string; runDir: string; event: TrainingEvent };

/** From the main process to the page. */
export type HostToPage =
  | TrainWorkerCommand
  /** Sent first: the path separator of the machine's files, and whether a software adapter may train (tests). */
  | { type: "hello"; sep: "/" | "\\"; allowSoftwareAdapter: boolean }
  | { type: "file-reply"; id: number; ok: true; value: unknown }
  | { type: "file-reply"; id: number; ok: false; error: PortError }
  /** A metrics line could not be written; the page raises it at its next event, as a full disk in Node would. */
  | { type: "metrics-failed"; error: PortError };

export function toPortError(error: unknown): PortError {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message.split("\n")[0]!, ...(typeof code === "string" ? { code } : {}) };
}

/** An error from the other side, rebuilt with its name and code. */
export function fromPortError(error: PortError): Error {
  const e = new Error(error.message);
  e.name = error.name;
  if (error.code) (e as Error & { code?: string }).code = error.code;
  return e;
}
