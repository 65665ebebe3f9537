/**
 * The hidden trainer window's preload (sandboxed, context-isolated): forwards the MessagePort the main process
 * sends on TRAINER_PORT_MESSAGE to the page, as Electron's MessagePort guide does. The page gets nothing else:
 * no ipcRenderer, no Node.
 */
import { ipcRenderer } from "electron";
import { TRAINER_PORT_MESSAGE } from "./trainerPortProtocol";

/** The little of the DOM this preload uses (the Node type-check has no DOM library). */
const page = globalThis as unknown as {
  location: { origin: string };
  addEventListener(type: "load", listener: () => void, options: { once: true }): void;
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
};

const loaded = new Promise<void>((resolve) => page.addEventListener("load", () => resolve(), { once: true }));
ipcRenderer.once(TRAINER_PORT_MESSAGE, (event) => {
  void loaded.then(() => page.postMessage(TRAINER_PORT_MESSAGE, page.location.origin, event.ports));
});
