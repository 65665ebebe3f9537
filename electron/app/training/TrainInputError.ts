/** Bad input to a training run, found before the model is loaded; the message names the value and what to do. */
export class TrainInputError extends Error {
  override name = "TrainInputError";
}
