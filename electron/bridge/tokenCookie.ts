import { TOKEN_COOKIE } from "../contract/wire";

/**
 * The cookie's name carries the port. Note: browsers scope cookies by host, not port, so two bridges on
 * 127.0.0.1 (say the app's and a test's) would otherwise overwrite each other's token.
 */
export function tokenCookieName(port: number): string {
  return `${TOKEN_COOKIE}_${port}`;
}

/** HttpOnly keeps the token away from page scripts; SameSite=Strict keeps other sites from sending it. */
export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
