/**
 * The hidden trainer window's page (bundled for the browser by scripts/trainerPageBuild.mjs into
 * dist/electron/webgpuTrainer/): waits for the MessagePort the main process sends through the window's preload,
 * then trains as a worker would (runTrainerPage). No Node here: no `process`, no `fs`.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
// tfjs-core's browser build leaves chained ops (t.div(...)) to the caller; its Node build, which the engine runs on in a training process, has them.
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
import "@tensorflow/tfjs-backend-webgpu";
import { runTrainerPage } from "./runTrainerPage";
import { TRAINER_PORT_MESSAGE, type HostToPage } from "./trainerPortProtocol";

/** The little of the DOM this page uses (the Node type-check has no DOM library). */
interface PageMessagePort {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: HostToPage }) => void) | null;
}
interface PageWindow {
  location: { origin: string };
  addEventListener(type: "message", listener: (event: { source: unknown; origin: string; data: unknown; ports: readonly PageMessagePort[] }) => void): void;
}

const page = globalThis as unknown as PageWindow;
let connected = false;
page.addEventListener("message", (event) => {
  // Only the port the preload forwards from the main process (same window, same origin), and only once.
  if (connected || event.source !== page || event.origin !== page.location.origin || event.data !== TRAINER_PORT_MESSAGE) return;
  const port = event.ports[0];
  if (!port) return;
  connected = true;
  runTrainerPage(
    {
      post: (message) => port.postMessage(message),
      onMessage: (handler) => {
        port.onmessage = (e) => handler(e.data);
      },
    },
    tf,
  );
});
