import { TOKEN_QUERY } from "../../../electron/contract/wire";

const KEY = "loraStudio.token";

/** Reads the launch token from the URL once, keeps it in sessionStorage and removes it from the address bar. */
export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get(TOKEN_QUERY);
  if (fromUrl) {
    storage.setItem(KEY, fromUrl);
    url.searchParams.delete(TOKEN_QUERY);
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(KEY);
}
