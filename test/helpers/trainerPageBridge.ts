import type { Page } from "playwright-core";
import type { TrainerLink } from "../../electron/worker/webgpuTrainer/trainerHost";
import type { HostToPage, PageToHost } from "../../electron/worker/webgpuTrainer/trainerPortProtocol";

/**
 * Stands in for the Electron app's MessageChannelMain + the trainer window's preload in a Playwright page: an init
 * script makes a MessageChannel at load and hands one end to the page exactly as the preload does (window
 * postMessage of TRAINER_PORT_MESSAGE with the port), the other end is bridged to Node through exposeBinding and
 * evaluate. Typed arrays cross as base64 (Playwright's serialization is JSON-like); everything else as is.
 */
export async function bridgeTrainerPage(page: Page, portMessage: string): Promise<TrainerLink> {
  let handler: ((m: PageToHost) => void) | null = null;
  const early: PageToHost[] = [];
  await page.exposeBinding("__trainerToHost", (_source, wire: unknown) => {
    const message = decode(wire) as PageToHost;
    if (handler) handler(message);
    else early.push(message);
  });
  await page.addInitScript(
    ({ codec, portMessage }) => {
      const w = globalThis as unknown as Record<string, unknown> & { addEventListener(t: string, f: () => void): void; postMessage(m: unknown, o: string, p: unknown[]): void; location: { origin: string } };
      const { encode, decode } = new Function(`return (${codec})()`)() as { encode(v: unknown): unknown; decode(v: unknown): unknown };
      w.addEventListener("load", () => {
        const channel = new MessageChannel();
        (channel.port1 as unknown as { onmessage: (e: { data: unknown }) => void }).onmessage = (e) => void (w.__trainerToHost as (m: unknown) => Promise<void>)(encode(e.data));
        w.__trainerToPage = (m: unknown) => channel.port1.postMessage(decode(m));
        w.postMessage(portMessage, w.location.origin, [channel.port2]);
      });
    },
    { codec: codecSource, portMessage },
  );
  // Like a MessagePort, the bridge holds messages until the page's end exists (the page has loaded).
  let chain: Promise<unknown> = Promise.resolve();
  let connected: Promise<unknown> | null = null;
  return {
    post(message: HostToPage) {
      const wire = encode(message);
      connected ??= page.waitForFunction(() => typeof (globalThis as { __trainerToPage?: unknown }).__trainerToPage === "function", null, { timeout: 60_000 });
      chain = chain.then(() => connected).then(() => page.evaluate((m) => (globalThis as unknown as { __trainerToPage(m: unknown): void }).__trainerToPage(m), wire)).catch(() => {});
    },
    onMessage(h) {
      handler = h;
      for (const m of early.splice(0)) h(m);
    },
  };
}

/** The codec, as source so that the page runs the same code (btoa/atob there, Buffer-free). */
const codecSource = `function () {
  const TYPES = ["Float32Array", "Int32Array", "Uint8Array", "Uint32Array", "Int8Array", "Uint16Array", "Int16Array", "Float64Array"];
  const toB64 = (bytes) => { let s = ""; for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)); return btoa(s); };
  const fromB64 = (b64) => { const s = atob(b64); const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; };
  const encode = (v) => {
    if (ArrayBuffer.isView(v)) return { __typed: TYPES.includes(v.constructor.name) ? v.constructor.name : "Uint8Array", b64: toB64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    if (Array.isArray(v)) return v.map(encode);
    if (v && typeof v === "object") { const o = {}; for (const [k, x] of Object.entries(v)) o[k] = encode(x); return o; }
    return v;
  };
  const decode = (v) => {
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === "object") {
      if (typeof v.__typed === "string" && TYPES.includes(v.__typed)) { const bytes = fromB64(v.b64); return new globalThis[v.__typed](bytes.buffer, 0, bytes.byteLength / globalThis[v.__typed].BYTES_PER_ELEMENT); }
      const o = {}; for (const [k, x] of Object.entries(v)) o[k] = decode(x); return o;
    }
    return v;
  };
  return { encode, decode };
}`;

const { encode, decode } = new Function(`return (${codecSource})()`)() as { encode(v: unknown): unknown; decode(v: unknown): unknown };
