import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { checkDownloadUrl } from "./checkDownloadUrl";
import { DownloadError } from "./DownloadError";

export interface TrustOptions {
  /** Allow plain http (an insecure mirror the user named with --insecure-catalog); https is always required otherwise. */
  allowHttp?: boolean;
  /**
   * Certificate authorities to trust for https, in place of the system's (PEM): a test server's self-signed
   * certificate. A mirror with an organisation's own CA needs none of this: Node adds NODE_EXTRA_CA_CERTS.
   */
  ca?: string | Buffer | (string | Buffer)[];
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 5;
const OFFLINE_ADVICE =
  "This computer seems to be offline, or the server cannot be reached from this network. Connect to the internet and try again; or download the .gguf file on another computer, copy it onto this one, and add it with \"Add a model file\" (or pick it from the models LoRA Studio finds on this computer)";
const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/;

/**
 * GET with Node's http(s) (not fetch: fetch takes no CA option), from byte `from` on (a Range request), following
 * redirects (Hugging Face sends files from its CDN) but never from https down to http unless allowed. Resolves with
 * the response, whose body the caller reads.
 */
export async function httpGet(url: string, from: number, options: TrustOptions, redirects = 0): Promise<IncomingMessage> {
  const target = checkDownloadUrl(url, options.allowHttp === true);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, {
      method: "GET",
      headers: { ...(from > 0 ? { Range: `bytes=${from}-` } : {}), "User-Agent": "LoRA Studio" },
      ...(target.protocol === "https:" && options.ca ? { ca: options.ca } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.on("response", resolve);
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (options.signal?.aborted) return reject(options.signal.reason ?? error);
      const code = error.code ?? error.message;
      if (TLS_CODES.test(code)) {
        return reject(new DownloadError(`the certificate of ${target.host} could not be verified (${code}), so nothing was downloaded. If this is your organisation's mirror with its own certificate authority, set NODE_EXTRA_CA_CERTS to that authority's certificate file and start LoRA Studio again`));
      }
      reject(new DownloadError(`could not reach ${target.host} (${code}). ${OFFLINE_ADVICE}`, true));
    });
    req.end();
  });
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (status >= 300 && status < 400 && location) {
    response.resume();
    if (redirects >= MAX_REDIRECTS) throw new DownloadError(`${url} redirected more than ${MAX_REDIRECTS} times; check the catalog address`);
    // checkDownloadUrl (in the next call) refuses a redirect from https down to plain http.
    return httpGet(new URL(location, target).href, from, options, redirects + 1);
  }
  return response;
}
