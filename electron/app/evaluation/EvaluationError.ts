/** An evaluation cannot start or finish as asked; the message names the file or value and what to do. */
export class EvaluationError extends Error {
  override name = "EvaluationError";
}
