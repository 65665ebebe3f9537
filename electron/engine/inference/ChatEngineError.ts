/** A chat engine failure the user can act on: a bad adapter file, an unknown adapter id, a disposed engine. */
export class ChatEngineError extends Error {
  override name = "ChatEngineError";
}

/** An adapter file that does not fit the loaded base model (llama.cpp would refuse it, or abort the process). */
export class AdapterMismatchError extends ChatEngineError {
  override name = "AdapterMismatchError";
}
