import type { BrowserContext } from "playwright-core";

/**
 * Records every request and WebSocket the pages of a context open, so a test can assert the offline promise:
 * nothing leaves 127.0.0.1. Requests elsewhere are also aborted, so a leak fails loudly rather than hanging.
 */
export async function guardOffline(context: BrowserContext): Promise<{ outside: () => string[]; requests: () => string[]; sockets: () => string[] }> {
  const requests: string[] = [];
  const sockets: string[] = [];
  const outside: string[] = [];
  const check = (url: string) => {
    const u = new URL(url);
    const local = u.hostname === "127.0.0.1" && (u.protocol === "http:" || u.protocol === "ws:");
    const inert = u.protocol === "data:" || u.protocol === "blob:" || u.protocol === "about:";
    if (!local && !inert) outside.push(url);
    return local || inert;
  };
  await context.route("**/*", (route) => {
    requests.push(route.request().url());
    return check(route.request().url()) ? route.continue() : route.abort("blockedbyclient");
  });
  context.on("page", (page) =>
    page.on("websocket", (ws) => {
      sockets.push(ws.url());
      check(ws.url());
    }),
  );
  return { outside: () => [...outside], requests: () => [...requests], sockets: () => [...sockets] };
}
