/** A model whose architecture is supported uses a variant (shape, RoPE scaling, layout) this engine cannot run. */
export class UnsupportedModelFeatureError extends Error {
  override name = "UnsupportedModelFeatureError";
}

/** A weight tensor is missing or has a shape that contradicts the model's metadata. */
export class ModelTensorError extends Error {
  override name = "ModelTensorError";
}

/** A token id outside [0, vocabSize), or a batch whose rows differ in length. */
export class ModelInputError extends Error {
  override name = "ModelInputError";
}
