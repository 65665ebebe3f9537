/** A GGUF LoRA file that is not what it should be (not an adapter, unpaired or misshapen tensors). */
export class LoraFileError extends Error {
  override name = "LoraFileError";
}
