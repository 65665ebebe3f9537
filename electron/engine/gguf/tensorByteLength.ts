import { InvalidGgufError } from "./errors";
import { ggmlTypeTraits, type GgmlTypeId } from "./ggmlType";

/** Elements in a tensor of these ggml `ne` dims (1 for no dims, as ggml treats a 0-dim tensor). */
export function tensorElementCount(dims: readonly number[], tensorName?: string): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new InvalidGgufError(`${label(tensorName)} has invalid dimension ${d} in [${dims.join(", ")}]`);
    count *= d;
  }
  if (!Number.isSafeInteger(count)) throw new InvalidGgufError(`${label(tensorName)} has ${count} elements ([${dims.join(", ")}]), too many to address`);
  return count;
}

/** Bytes a tensor of `type` and ggml `ne` dims occupies; rows are whole blocks, so ne[0] must be a multiple of the block size. */
export function tensorByteLength(type: GgmlTypeId, dims: readonly number[], tensorName?: string): number {
  const traits = ggmlTypeTraits(type);
  if (traits === undefined) throw new InvalidGgufError(`${label(tensorName)} has unknown ggml type id ${type}`);
  const count = tensorElementCount(dims, tensorName);
  const ne0 = dims.length === 0 ? 1 : dims[0]!;
  if (ne0 % traits.blockSize !== 0) {
    throw new InvalidGgufError(
      `${label(tensorName)} has ne[0] = ${ne0}, not a multiple of ${traits.name}'s block size ${traits.blockSize}; ` +
        `use F16 or F32 for this tensor, or a width that is a multiple of ${traits.blockSize}`,
    );
  }
  const bytes = (count / traits.blockSize) * traits.typeSize;
  if (!Number.isSafeInteger(bytes)) throw new InvalidGgufError(`${label(tensorName)} would take ${bytes} bytes, too many to address`);
  return bytes;
}

function label(tensorName: string | undefined): string {
  return tensorName === undefined ? "tensor" : `tensor ${tensorName}`;
}
