/** A download failed; `offline` when the host could not be reached at all. The message says what to do. */
export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(
    message: string,
    readonly offline = false,
  ) {
    super(message);
  }
}

/** The address is refused before anything is fetched (plain http without the insecure-mirror option, or not a URL). */
export class InsecureDownloadUrlError extends DownloadError {
  override name = "InsecureDownloadUrlError";
}
