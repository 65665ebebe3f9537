/** An export or import that cannot be done as asked; the message names the offending value and what to do. */
export class ExportError extends Error {
  override name = "ExportError";
  constructor(
    message: string,
    /** A stable name for a case the app explains in the user's words (e.g. "recipe-documents"). */
    readonly code?: string,
  ) {
    super(message);
  }
}
