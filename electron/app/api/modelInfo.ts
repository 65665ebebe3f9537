import { stat } from "node:fs/promises";
import type { ModelInfo } from "../../contract/dto";
import { summarizeModel, type ModelInspection } from "../../engine/gguf/inspectModel";
import type { BaseModel } from "../store/baseModels";

type Trainability = Pick<ModelInspection, "trainable" | "notTrainableReason">;

/**
 * Whether each model file trains here, by path, kept while the file's size and modification time stay the same.
 * Note: the model list is refetched on every change any window makes, and a real model's header (its tokenizer)
 * is megabytes; it is read once per file version, not once per list.
 */
const known = new Map<string, { version: string; value: Trainability }>();

/** A stored base model as the UI shows it. `read` is the header just read (when registering), else it is read or reused. */
export async function modelInfo(m: BaseModel, read?: Trainability): Promise<ModelInfo> {
  const { trainable, notTrainableReason } = await trainability(m.path, read);
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
    notTrainableReason,
  };
}

async function trainability(path: string, read?: Trainability): Promise<Trainability> {
  const s = await stat(path).catch(() => null);
  if (!s) return { trainable: false, notTrainableReason: `the file ${path} is gone; put it back or add the model again` };
  const version = `${s.size}:${s.mtimeMs}`;
  const cached = known.get(path);
  if (cached?.version === version) return cached.value;
  let value: Trainability;
  try {
    value = read ?? (await summarizeModel(path));
  } catch (error) {
    // Not cached: a file being copied in may read fine a moment later.
    return { trainable: false, notTrainableReason: `${path} cannot be read as a GGUF model: ${(error as Error).message.split("\n")[0]}` };
  }
  value = { trainable: value.trainable, notTrainableReason: value.notTrainableReason };
  known.set(path, { version, value });
  return value;
}
