import type { ChatWrapper, LlamaModel } from "node-llama-cpp";

/**
 * The chat wrapper (prompt format) of a model: node-llama-cpp's resolution from the model's own chat template and
 * metadata, with no options. Note: the chat and the training data formatter (app/data/ChatFormatter) both take
 * their wrapper from here, so a chat prompt is rendered token for token as the training examples were;
 * test/engine/inference checks that the two agree.
 */
export async function chatWrapperForModel(model: LlamaModel): Promise<ChatWrapper> {
  const { resolveChatWrapper } = await import("node-llama-cpp");
  return resolveChatWrapper(model);
}
