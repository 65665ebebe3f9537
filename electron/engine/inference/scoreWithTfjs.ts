import { initTfjs, type TfjsBackendName } from "../../../native-deps/tfjsBackend";
import { openGguf } from "../gguf/GgufFile";
import { LlamaModel } from "../model/LlamaModel";

/** Log-probabilities from this project's TensorFlow.js forward pass: logprobs[i] = log p(tokens[i+1] | tokens[..i]). */
export async function scoreWithTfjs(modelPath: string, tokens: number[], backend?: TfjsBackendName): Promise<{ logprobs: number[]; backend: TfjsBackendName }> {
  if (tokens.length < 2) throw new Error(`scoring needs at least 2 tokens, got ${tokens.length}`);
  const init = await initTfjs(backend ? { prefer: backend } : undefined);
  const file = await openGguf(modelPath);
  let model: LlamaModel | undefined;
  try {
    model = await LlamaModel.load(file);
    const vocab = model.config.vocabSize;
    const bad = tokens.find((t) => !Number.isInteger(t) || t < 0 || t >= vocab);
    if (bad !== undefined) throw new Error(`token ${bad} is outside this model's vocabulary (0..${vocab - 1})`);
    return { logprobs: Array.from(await model.logprobs(tokens)), backend: init.backend };
  } finally {
    model?.dispose();
    await file.close();
  }
}
