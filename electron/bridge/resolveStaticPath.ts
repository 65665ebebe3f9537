import { isAbsolute, join, relative, sep } from "node:path";

/** `malformed`: the path is not one (bad percent-encoding, a NUL byte): the bridge answers 400, not 403. */
export type StaticTarget = { kind: "file"; path: string } | { kind: "forbidden"; reason: string; malformed?: boolean };

/**
 * Maps a request path onto a file inside the renderer folder, or refuses it. Checked on the decoded path
 * segments before any joining, so `/../x`, `/%2e%2e/x`, `/a/..%2fb` and dot files (`/.env`) never reach the disk.
 */
export function resolveStaticPath(rendererDir: string, rawPath: string): StaticTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: "forbidden", reason: "malformed percent-encoding in the path", malformed: true };
  }
  if (decoded.includes("\0")) return { kind: "forbidden", reason: "a NUL character in the path", malformed: true };
  if (decoded.includes("\\")) return { kind: "forbidden", reason: "malformed path" };
  const segments = decoded.split("/").filter((s) => s !== "");
  if (segments.some((s) => s.startsWith("."))) return { kind: "forbidden", reason: "dot files and parent folders are not served" };
  if (segments.length === 0) segments.push("index.html");
  const path = join(rendererDir, ...segments);
  const rel = relative(rendererDir, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes("..")) {
    return { kind: "forbidden", reason: "outside the app's folder" };
  }
  return { kind: "file", path };
}
