/** An export or import that cannot be done as asked; the message names the offending value and what to do. */
export class ExportError extends Error {
  override name = "ExportError";
}
