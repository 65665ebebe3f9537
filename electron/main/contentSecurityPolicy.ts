/**
 * The CSP of the Electron window, sent as a response header by the app:// protocol handler (a header, unlike a
 * <meta> tag, covers the page before any of its markup runs). Only the app's own files, no eval, no plugins,
 * no framing, no network: the page talks to the main process over IPC only.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Note: MUI's emotion injects <style> elements at run time, so inline styles must be allowed; scripts stay strict.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers the protocol handler adds to every file it serves. */
export function appResponseHeaders(contentType: string, isIndex: boolean): Record<string, string> {
  return {
    "Content-Type": contentType,
    "Content-Security-Policy": APP_CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": isIndex ? "no-store" : "no-cache",
  };
}
