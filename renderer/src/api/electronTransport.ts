import type { StudioPreload, Transport } from "./Transport";

/** Electron: the preload's `window.studio` bridge; always connected. */
export function electronTransport(studio: StudioPreload): Transport {
  return {
    kind: "electron",
    call: (method, params) => studio.call(method, params),
    on: (listener) => studio.on(listener),
    onConnection: (listener) => {
      listener(true);
      return () => {};
    },
  };
}
