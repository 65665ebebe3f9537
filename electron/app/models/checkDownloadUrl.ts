import { InsecureDownloadUrlError } from "./DownloadError";

/** The option and the environment variable that allow a plain-http catalog mirror (named in the messages). */
export const INSECURE_CATALOG_FLAG = "--insecure-catalog";
export const INSECURE_CATALOG_ENV = "LORA_STUDIO_INSECURE_CATALOG";

/**
 * Refuses an address a model may not come from: anything but https, and plain http unless the user explicitly
 * allowed an insecure mirror. Note: the file goes into llama.cpp's native code in this process, so a file swapped
 * on its way (plain http, or a redirect down to it) must not get in; the sha256 check covers catalog entries with
 * a known hash, and https covers the rest.
 */
export function checkDownloadUrl(url: string, allowHttp: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InsecureDownloadUrlError(`"${url}" is not a web address; a model is downloaded from an https:// address`);
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:") {
    if (allowHttp) return parsed;
    throw new InsecureDownloadUrlError(
      `${url} is plain http: the model would travel unencrypted and could be swapped on the way. Use an https:// address; for a mirror inside your own network that only speaks http, start LoRA Studio with ${INSECURE_CATALOG_FLAG} (or set ${INSECURE_CATALOG_ENV}=1)`,
    );
  }
  throw new InsecureDownloadUrlError(`${url} uses ${parsed.protocol.replace(/:$/, "")}, not https; a model is downloaded from an https:// address`);
}

/** Whether the environment allows a plain-http catalog mirror (LORA_STUDIO_INSECURE_CATALOG=1 or true). */
export function insecureCatalogFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env[INSECURE_CATALOG_ENV] ?? "");
}
