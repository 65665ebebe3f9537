import type { ServerResponse } from "node:http";
import { tokenCookie } from "./tokenCookie";

/** Set when a request proved the token in its query: from then on the page's assets and socket carry the cookie. */
export interface CookieHint {
  set: boolean;
  port: number;
  token: string;
}

export function setCookieIfNeeded(res: ServerResponse, hint: CookieHint): void {
  if (hint.set) res.setHeader("Set-Cookie", tokenCookie(hint.port, hint.token));
}
