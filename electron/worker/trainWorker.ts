/**
 * The training process's entry point. Note: training runs in its own process because the wasm heap never
 * shrinks (ending the process is the only way to give memory back) and a long synchronous step must not
 * freeze the app. The same script is forked by Node (CLI, tests) and started as an Electron utilityProcess;
 * only the message channel differs, and this file stays a thin adapter over engine/training.
 */
import { runTrainingJob } from "../engine/training/runTrainingJob";
import { TrainerControl } from "../engine/training/TrainerControl";
import { TrainJobSchema, type TrainWorkerCommand, type TrainWorkerMessage } from "../engine/training/TrainJob";
import { STOPPED_EXIT_CODE, stopOnSignals } from "./stopOnSignals";
import { workerCommands } from "./workerCommands";

interface Channel {
  send(message: TrainWorkerMessage): void;
  onMessage(handler: (message: TrainWorkerCommand) => void): void;
}

/** Electron's utilityProcess exposes process.parentPort; a Node fork has process.send. */
function channel(): Channel {
  const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: "message", h: (e: { data: unknown }) => void): void } }).parentPort;
  if (parentPort) {
    return { send: (m) => parentPort.postMessage(m), onMessage: (h) => parentPort.on("message", (e) => h(e.data as TrainWorkerCommand)) };
  }
  if (!process.send) throw new Error("trainWorker must be started by a parent process (child_process.fork or utilityProcess.fork)");
  // A parent that has gone (killed, or a second Ctrl-C) must not make a send throw: the worker still saves its checkpoint.
  const send = (m: TrainWorkerMessage) => {
    if (process.connected) process.send!(m, undefined, undefined, () => {});
  };
  return { send, onMessage: (h) => process.on("message", (m) => h(m as TrainWorkerCommand)) };
}

const io = channel();
const control = new TrainerControl();
let training = false;
// Ctrl-C and SIGTERM: checkpoint at the end of the current step, then end (stopOnSignals).
const signals = stopOnSignals(control, () => training);
// A forked worker whose parent has gone checkpoints and ends rather than train on unwatched.
process.on("disconnect", () => signals.stop("parent-gone"));

io.onMessage(workerCommands(control, (job) => void start(job)));

async function start(rawJob: unknown): Promise<void> {
  training = true;
  try {
    const job = TrainJobSchema.parse(rawJob);
    const outcome = await runTrainingJob(job, control, (event) => io.send({ type: "event", event }));
    const cause = signals.cause();
    io.send({ type: "done", outcome: cause && outcome.reason === "cancelled" ? { ...outcome, stoppedBy: cause } : outcome });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    io.send({ type: "error", error: { code: err.name, message: err.message.split("\n")[0]! } });
  } finally {
    // Let the last message flush, then end the process: that is what returns the wasm heap to the system. A run
    // stopped by a signal ends with that signal's usual status (after its checkpoint), so a shell sees it.
    const cause = signals.cause();
    setTimeout(() => process.exit(cause === "SIGINT" ? STOPPED_EXIT_CODE.SIGINT : cause === "SIGTERM" ? STOPPED_EXIT_CODE.SIGTERM : 0), 50);
  }
}

io.send({ type: "ready" });
