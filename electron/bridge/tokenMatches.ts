import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a presented token with the launch token in constant time. Both sides are hashed first so the
 * comparison never leaks the token's length (timingSafeEqual needs equal lengths).
 */
export function tokenMatches(presented: string | null | undefined, token: string): boolean {
  if (typeof presented !== "string" || presented.length === 0) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}
