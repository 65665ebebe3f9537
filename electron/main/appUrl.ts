/**
 * The app's own page is served from a custom scheme, not file://. Note: file:// would make every local file the
 * page's "origin" (any file could be fetched or navigated to); app://studio is one origin that serves only the
 * built renderer folder, and the CSP's 'self' means exactly that folder.
 */
export const APP_SCHEME = "app";
export const APP_HOST = "studio";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Whether a URL is one of the app's own pages (any path under app://studio; the query and hash do not matter). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === "" && parsed.password === "" && parsed.port === "";
}
