import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { openGguf } from "../gguf/GgufFile";
import { GgmlType, ggmlTypeName, type GgmlTypeId } from "../gguf/ggmlType";
import { GgufValueType, type GgufKv } from "../gguf/types";
import { writeGguf, type GgufTensorToWrite } from "../gguf/writeGguf";
import { contentHashedPath } from "./contentHashedPath";
import { ExportError } from "./ExportError";
import { describeFile, type ExportResult } from "./ExportResult";
import { mergeLoraDelta } from "./mergeLoraDelta";
import { ggufPairScale, readAdapterPairs } from "../lora/readAdapterPairs";

export const MERGED_TYPES = ["F32", "F16", "Q8_0"] as const;
export type MergedType = (typeof MERGED_TYPES)[number];

const TYPE_ID: Record<MergedType, GgmlTypeId> = { F32: GgmlType.F32, F16: GgmlType.F16, Q8_0: GgmlType.Q8_0 };
/** general.file_type (llama_ftype) of an all-F32 / mostly-F16 / mostly-Q8_0 model. */
const FILE_TYPE: Record<MergedType, number> = { F32: 0, F16: 1, Q8_0: 7 };

export interface MergedExportOptions {
  basePath: string;
  adapterPath: string;
  outDir: string;
  type: MergedType;
  /** llama.cpp's user scale of the adapter, folded into the merge (default 1). */
  scale?: number;
}

/**
 * A standalone GGUF with the adapter folded in: W' = W + (alpha / r) · B·A for every adapted projection, in GGUF
 * layout (so llama's q/k rows need no permutation: the adapter was trained on them as stored). Every 2-D tensor is
 * written in `type` (kept as is when it already has it; F16 where Q8_0's 32-wide blocks do not fit a row), 1-D
 * tensors (norms, biases) unchanged; all metadata is kept but general.file_type. Tensors stream one at a time.
 */
export async function exportMerged(options: MergedExportOptions): Promise<ExportResult & { modelPath: string }> {
  const adapter = await readAdapterPairs(options.adapterPath);
  const base = await openGguf(options.basePath);
  const notes: string[] = [];
  try {
    const arch = base.string("general.architecture");
    if (arch !== adapter.architecture) {
      throw new ExportError(`${options.adapterPath} is a ${adapter.architecture} adapter but ${options.basePath} is a ${arch} model; merge it into the base model it was trained on`);
    }
    const pairs = new Map(adapter.pairs.map((p) => [p.baseName, p]));
    for (const p of adapter.pairs) {
      const t = base.hasTensor(p.baseName) ? base.tensor(p.baseName) : undefined;
      if (!t) throw new ExportError(`${options.basePath} has no tensor ${p.baseName}, which the adapter adapts; is it the model the adapter was trained on?`);
      if (t.dims[0] !== p.inDim || t.dims[1] !== p.outDim) {
        throw new ExportError(`${p.baseName} is [${t.dims.join(", ")}] in ${options.basePath} but the adapter expects [${p.inDim}, ${p.outDim}]; wrong base model?`);
      }
    }
    const target = TYPE_ID[options.type];
    const fallback: string[] = [];
    const tensors: GgufTensorToWrite[] = base.tensors.map((t) => {
      const pair = pairs.get(t.name);
      if (t.dims.length !== 2 || (t.type === target && !pair)) {
        return { name: t.name, dims: t.dims, type: t.type, data: () => base.readTensorBytes(t.name) };
      }
      let type = target;
      if (target === GgmlType.Q8_0 && t.dims[0]! % 32 !== 0) {
        type = GgmlType.F16;
        fallback.push(t.name);
      }
      return {
        name: t.name,
        dims: t.dims,
        type,
        data: async () => {
          const w = await base.readTensorF32(t.name);
          if (pair) mergeLoraDelta(w, pair, (options.scale ?? 1) * ggufPairScale(adapter.alpha, pair.r));
          return w;
        },
      };
    });
    if (fallback.length) notes.push(`Q8_0 needs rows that are a multiple of 32 wide; ${fallback.join(", ")} written as F16`);
    const kvs: GgufKv[] = base.kvs.map((kv) => (kv.key === "general.file_type" ? { key: kv.key, type: GgufValueType.UINT32, value: FILE_TYPE[options.type] } : kv));
    if (!kvs.some((kv) => kv.key === "general.file_type")) kvs.push({ key: "general.file_type", type: GgufValueType.UINT32, value: FILE_TYPE[options.type] });
    await mkdir(options.outDir, { recursive: true });
    const stem = `merged-${options.type.toLowerCase()}`;
    const tmp = join(options.outDir, `${stem}.gguf.tmp`);
    await writeGguf(tmp, kvs, tensors);
    const { path } = await contentHashedPath(tmp, stem);
    notes.unshift(
      `${adapter.pairs.length} projections merged (W + alpha/r · B·A, alpha ${adapter.alpha}); 2-D weights in ${ggmlTypeName(target)}, norms and biases as in the base`,
      "a merged model needs no adapter at run time; load it like any GGUF (llama.cpp, LM Studio, Ollama FROM)",
    );
    return { format: "merged", files: [await describeFile(path, `merged model GGUF (${options.type})`)], notes, modelPath: path };
  } finally {
    await base.close();
  }
}
