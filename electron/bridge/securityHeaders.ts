import type { ServerResponse } from "node:http";

/** The page may load only its own files, talk only to this bridge, and never be framed. */
export function bridgeContentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data: blob:",
    // Note: MUI's emotion injects <style> elements at run time, so inline styles must be allowed; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Set on every response, errors included. */
export function setSecurityHeaders(res: ServerResponse, port: number): void {
  res.setHeader("Content-Security-Policy", bridgeContentSecurityPolicy(port));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}
