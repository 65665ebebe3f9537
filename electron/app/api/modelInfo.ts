import { existsSync } from "node:fs";
import type { ModelInfo } from "../../contract/dto";
import { summarizeModel } from "../../engine/gguf/inspectModel";
import type { BaseModel } from "../store/baseModels";

/** A stored base model as the UI shows it; whether it trains here is read from its header (quick: no weights). */
export async function modelInfo(m: BaseModel): Promise<ModelInfo> {
  let trainable = false;
  let reason: string | null;
  if (!existsSync(m.path)) {
    reason = `the file ${m.path} is gone; put it back or add the model again`;
  } else {
    try {
      const s = await summarizeModel(m.path);
      trainable = s.trainable;
      reason = s.notTrainableReason;
    } catch (error) {
      reason = `${m.path} cannot be read as a GGUF model: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  return {
    id: m.id,
    path: m.path,
    name: m.name ?? m.path.split(/[\\/]/).pop()!.replace(/\.gguf$/i, ""),
    architecture: m.architecture,
    parameters: m.parameters,
    quantization: m.quantization,
    fileBytes: m.fileSize ?? 0,
    contextLength: m.contextLength,
    trainable,
    notTrainableReason: reason,
  };
}
