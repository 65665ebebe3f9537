import { getLlamaRuntime } from "./llamaRuntime";

/**
 * The model's own tokenization of a text (llama.cpp's tokenizer from a vocabulary-only load), with BOS
 * in front where the model asks for one (tokenizer.ggml.add_bos_token).
 */
export async function tokenizeWithModel(modelPath: string, text: string): Promise<number[]> {
  const llama = await getLlamaRuntime();
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  try {
    const tokens = model.tokenize(text).map(Number);
    const bos = model.tokens.bos;
    return model.tokens.shouldPrependBosToken && bos !== null ? [Number(bos), ...tokens] : tokens;
  } finally {
    await model.dispose();
  }
}
