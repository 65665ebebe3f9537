import { openGguf } from "../gguf/GgufFile";
import { GgufValueType } from "../gguf/types";
import { sha256File } from "../util/sha256File";
import { AdapterMismatchError } from "./ChatEngineError";

/** What the chat engine needs to know of its base model to check an adapter: architecture and tensor shapes. */
export interface ChatBaseShape {
  path: string;
  architecture: string;
  /** Tensor name -> ggml ne ([in, out] for a projection). */
  tensors: Map<string, number[]>;
}

/** A checked GGUF LoRA adapter file. */
export interface ChatAdapterFile {
  path: string;
  sha256: string;
  /** adapter.lora.alpha (0: llama.cpp then applies B·A unscaled). */
  alpha: number;
  /** Adapted base tensors, e.g. blk.0.attn_q.weight. */
  targets: string[];
}

export async function readChatBaseShape(modelPath: string): Promise<ChatBaseShape> {
  const file = await openGguf(modelPath);
  try {
    return { path: modelPath, architecture: file.string("general.architecture"), tensors: new Map(file.tensors.map((t) => [t.name, t.dims])) };
  } finally {
    await file.close();
  }
}

/**
 * Checks a GGUF LoRA adapter against the base model before llama.cpp sees it. Note: llama.cpp aborts the whole
 * process on some bad adapters (an alpha stored as anything but FLOAT32) and answers others with a terse message,
 * so every check here names the file, the offending value and what to do instead.
 */
export async function checkChatAdapterFile(path: string, base: ChatBaseShape): Promise<ChatAdapterFile> {
  let file;
  try {
    file = await openGguf(path);
  } catch (error) {
    throw new AdapterMismatchError(`adapter ${path} cannot be read: ${(error as Error).message.split("\n")[0]}; give a GGUF LoRA adapter file (adapter.gguf of a training run)`);
  }
  try {
    const type = file.optionalString("general.type");
    const adapterType = file.optionalString("adapter.type");
    if (type !== "adapter" || adapterType !== "lora") {
      throw new AdapterMismatchError(`${path} is not a GGUF LoRA adapter (general.type "${type ?? "missing"}", adapter.type "${adapterType ?? "missing"}"); give the adapter.gguf a training run wrote, not a model`);
    }
    const arch = file.optionalString("general.architecture");
    if (arch !== base.architecture) {
      throw new AdapterMismatchError(`adapter ${path} was made for a ${arch ?? "unknown"} model but ${base.path} is ${base.architecture}; use it with the base model it was trained on`);
    }
    const alphaKv = file.kvs.find((k) => k.key === "adapter.lora.alpha");
    if (alphaKv && alphaKv.type !== GgufValueType.FLOAT32) {
      throw new AdapterMismatchError(`adapter ${path} stores adapter.lora.alpha as GGUF type ${alphaKv.type}, not FLOAT32 (6), which llama.cpp cannot load; export the adapter again with lora-studio`);
    }
    const alpha = alphaKv ? Number(alphaKv.value) : 0;
    const targets: string[] = [];
    for (const t of file.tensors) {
      const m = /^(.*)\.lora_(a|b)$/.exec(t.name);
      if (!m) throw new AdapterMismatchError(`adapter ${path}: tensor ${t.name} is not a LoRA tensor (<base tensor>.lora_a or .lora_b)`);
      const baseDims = base.tensors.get(m[1]!);
      if (!baseDims) throw new AdapterMismatchError(`adapter ${path}: tensor ${t.name} adapts ${m[1]}, which ${base.path} does not have; use the adapter with the base model it was trained on`);
      // Base ne [in, out]; lora_a ne [in, r]; lora_b ne [r, out].
      const [inDim, outDim] = baseDims as [number, number];
      const ok = m[2] === "a" ? t.dims[0] === inDim : t.dims[1] === outDim;
      if (t.dims.length !== 2 || !ok) {
        throw new AdapterMismatchError(
          `adapter ${path}: tensor ${t.name} has shape [${t.dims.join(", ")}] but ${m[1]} of ${base.path} is [${baseDims.join(", ")}] (maybe another base model?); use the adapter with the base model it was trained on`,
        );
      }
      if (m[2] === "a") {
        if (!file.hasTensor(`${m[1]}.lora_b`)) throw new AdapterMismatchError(`adapter ${path}: ${t.name} has no matching ${m[1]}.lora_b`);
        targets.push(m[1]!);
      } else if (!file.hasTensor(`${m[1]}.lora_a`)) {
        throw new AdapterMismatchError(`adapter ${path}: ${t.name} has no matching ${m[1]}.lora_a`);
      }
    }
    if (targets.length === 0) throw new AdapterMismatchError(`adapter ${path} holds no LoRA tensors`);
    return { path, sha256: await sha256File(path), alpha, targets };
  } finally {
    await file.close();
  }
}
