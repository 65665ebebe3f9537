import { openGguf } from "./GgufFile";
import { ggmlTypeName, SUPPORTED_TENSOR_TYPES } from "./ggmlType";
import { sha256File } from "../util/sha256File";

export const SUPPORTED_ARCHITECTURES = ["llama", "qwen2", "qwen3"] as const;

export interface ModelInspection {
  path: string;
  sha256: string;
  fileSize: number;
  name: string | null;
  architecture: string;
  /** Whether this app can train on it (architecture and every tensor type supported). */
  trainable: boolean;
  /** Why not, when it cannot. */
  notTrainableReason: string | null;
  parameters: number;
  layers: number | null;
  embeddingLength: number | null;
  feedForwardLength: number | null;
  heads: number | null;
  kvHeads: number | null;
  headDim: number | null;
  vocabularySize: number | null;
  contextLength: number | null;
  tiedEmbeddings: boolean;
  /** Tensor count per ggml type name, e.g. {"Q8_0": 14, "F32": 9}. */
  tensorTypes: Record<string, number>;
  hasChatTemplate: boolean;
  tokenizer: string | null;
}

/** Reads a GGUF model's header (not its weights) and hashes the file. */
export async function inspectModel(path: string): Promise<ModelInspection> {
  const [summary, sha256] = await Promise.all([summarizeModel(path), sha256File(path)]);
  return { ...summary, sha256 };
}

/** inspectModel without the file hash: only the header is read, so it is quick even for a 4 GB model. */
export async function summarizeModel(path: string): Promise<Omit<ModelInspection, "sha256">> {
  const file = await openGguf(path);
  try {
    const arch = file.string("general.architecture");
    const num = (key: string) => file.optionalNumber(`${arch}.${key}`) ?? null;
    const tensorTypes: Record<string, number> = {};
    let parameters = 0;
    const unsupportedTypes = new Set<string>();
    for (const t of file.tensors) {
      const name = ggmlTypeName(t.type);
      tensorTypes[name] = (tensorTypes[name] ?? 0) + 1;
      parameters += t.elementCount;
      if (!SUPPORTED_TENSOR_TYPES.includes(t.type)) unsupportedTypes.add(name);
    }
    const embd = file.hasTensor("token_embd.weight") ? file.tensor("token_embd.weight") : undefined;
    const heads = num("attention.head_count");
    const embeddingLength = num("embedding_length");
    const reasons: string[] = [];
    if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(arch)) {
      reasons.push(`architecture "${arch}" is not supported (supported: ${SUPPORTED_ARCHITECTURES.join(", ")})`);
    }
    if (unsupportedTypes.size) reasons.push(`tensor types ${[...unsupportedTypes].join(", ")} cannot be trained on (supported: ${SUPPORTED_TENSOR_TYPES.map(ggmlTypeName).join(", ")})`);
    return {
      path,
      fileSize: file.fileSize,
      name: file.optionalString("general.name") ?? null,
      architecture: arch,
      trainable: reasons.length === 0,
      notTrainableReason: reasons.length ? reasons.join("; ") : null,
      parameters,
      layers: num("block_count"),
      embeddingLength,
      feedForwardLength: num("feed_forward_length"),
      heads,
      kvHeads: num("attention.head_count_kv") ?? heads,
      headDim: num("attention.key_length") ?? (heads && embeddingLength ? embeddingLength / heads : null),
      vocabularySize: embd?.dims[1] ?? (file.value("tokenizer.ggml.tokens") as unknown[] | undefined)?.length ?? null,
      contextLength: num("context_length"),
      tiedEmbeddings: !file.hasTensor("output.weight"),
      tensorTypes,
      hasChatTemplate: file.has("tokenizer.chat_template"),
      tokenizer: file.optionalString("tokenizer.ggml.model") ?? null,
    };
  } finally {
    await file.close();
  }
}
